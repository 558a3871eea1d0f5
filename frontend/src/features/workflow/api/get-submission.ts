import { queryOptions } from '@tanstack/react-query'
import { isFinal } from '@/features/workflow/types'
import { apiFor, unwrap } from '@/lib/api-client'

export const POLL_MS = 1000

/** GET /workflow/submissions/{submissionId}, polled once a second until SUCCEEDED or FAILED. */
export const submissionQuery = (sid: string) =>
  queryOptions({
    queryKey: ['workflow', 'one', sid],
    queryFn: ({ signal }) => {
      const { client, baseUrl } = apiFor()
      return unwrap(client.GET('/workflow/submissions/{submissionId}', { baseUrl, signal, params: { path: { submissionId: sid } } }))
    },
    staleTime: 0,
    refetchInterval: (q) => (isFinal(q.state.data) ? false : POLL_MS),
  })
