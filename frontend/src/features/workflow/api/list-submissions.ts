import { queryOptions } from '@tanstack/react-query'
import { isFinal } from '@/features/workflow/types'
import { ApiError, apiFor, ownTask, unwrap } from '@/lib/api-client'

/** True when a workflow route is missing: a 404, or a gateway's 403 without our error code. */
export const isMissingRoute = (e: unknown) =>
  e instanceof ApiError && e.kind === 'http' && (e.status === 404 || (e.status === 403 && e.code === 'http_403'))

/** GET /workflow/submissions, newest first: refreshed every 2 s while one runs, else every 15 s. */
export const submissionsQuery = (limit = 10) =>
  queryOptions({
    queryKey: ['workflow', 'list', limit],
    queryFn: async ({ signal }) => {
      await ownTask()
      const { client, baseUrl } = apiFor()
      return unwrap(client.GET('/workflow/submissions', { baseUrl, signal, params: { query: { limit } } }))
    },
    retry: false,
    refetchInterval: (q) => (q.state.data?.items.some((s) => !isFinal(s)) ? 2000 : 15_000),
  })
