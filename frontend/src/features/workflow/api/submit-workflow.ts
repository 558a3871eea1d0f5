import { useMutation, useQueryClient } from '@tanstack/react-query'
import { apiFor, unwrap, writeRetry } from '@/lib/api-client'
import { idempotencyHeader, type Keyed } from '@/lib/idempotency'

/** POST /workflow/submit: 202 with the submission to poll; 400 invalid_id for a bad ID. */
export function submitWorkflow({ id, key }: Keyed<{ id: string }>) {
  const { client, baseUrl } = apiFor()
  return unwrap(client.POST('/workflow/submit', { baseUrl, headers: idempotencyHeader(key), body: { id } }))
}

export function useSubmitWorkflow() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: submitWorkflow,
    ...writeRetry,
    onSettled: () => qc.invalidateQueries({ queryKey: ['workflow'] }),
  })
}
