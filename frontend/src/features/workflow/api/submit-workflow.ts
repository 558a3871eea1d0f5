import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '@/lib/api-client'
import type { components } from '@/types/api'

type Schemas = components['schemas']

/** POST /workflow/submit: 202 with the submission to poll; 400 invalid_id for a bad ID. */
export const submitWorkflow = (id: string) => {
  const body: Schemas['SubmitRequest'] = { id }
  return api<Schemas['SubmissionAccepted']>('/workflow/submit', { method: 'POST', body })
}

export function useSubmitWorkflow() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: submitWorkflow,
    onSettled: () => qc.invalidateQueries({ queryKey: ['workflow'] }),
  })
}
