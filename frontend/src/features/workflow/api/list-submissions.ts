import { useQuery } from '@tanstack/react-query'
import { isFinal } from '@/features/workflow/types'
import { api, ApiError } from '@/lib/api-client'
import type { components } from '@/types/api'

/** GET /workflow/submissions: newest first. */
export const listSubmissions = (limit = 10) =>
  api<components['schemas']['SubmissionList']>(`/workflow/submissions?limit=${limit}`)

/** True when a workflow route is missing: a 404, or a gateway's 403 without our error code. */
export const isMissingRoute = (e: unknown) =>
  e instanceof ApiError && e.kind === 'http' && (e.status === 404 || (e.status === 403 && e.code !== 'forbidden'))

/** Recent submissions, refreshed while any of them is still running. */
export const useSubmissions = () =>
  useQuery({
    queryKey: ['workflow', 'list'],
    queryFn: () => listSubmissions(),
    retry: false,
    refetchInterval: (q) => (q.state.data?.items.some((s) => !isFinal(s)) ? 2000 : false),
  })
