import { useQuery } from '@tanstack/react-query'
import { isFinal, type Submission } from '@/features/workflow/types'
import { api } from '@/lib/api-client'

/** GET /workflow/submissions/{submissionId} */
export const getSubmission = (sid: string) => api<Submission>(`/workflow/submissions/${encodeURIComponent(sid)}`)

export const POLL_MS = 1000

/** Polls once a second until the submission reaches SUCCEEDED or FAILED. */
export const useSubmission = (sid: string) =>
  useQuery({
    queryKey: ['workflow', 'one', sid],
    queryFn: () => getSubmission(sid),
    staleTime: 0,
    refetchInterval: (q) => (isFinal(q.state.data) ? false : POLL_MS),
  })
