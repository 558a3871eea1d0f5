// PUT and DELETE /customers/{id}, each with the Idempotency-Key of the person's action.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { customerKeys } from '@/features/customers/api/list-customers'
import { ApiError, apiFor, unwrap, writeRetry } from '@/lib/api-client'
import { idempotencyHeader, type Keyed } from '@/lib/idempotency'

type Target = Keyed<{ id: string }>

/** PUT /customers/{id}: 201 with the customer; 409 already_exists (never overwritten). */
export function createCustomer({ id, key }: Target) {
  const { client, baseUrl } = apiFor()
  return unwrap(client.PUT('/customers/{id}', { baseUrl, headers: idempotencyHeader(key), params: { path: { id } } }))
}

/** DELETE /customers/{id}: 204; 404 not_found. */
export function deleteCustomer({ id, key }: Target) {
  const { client, baseUrl } = apiFor()
  return unwrap(client.DELETE('/customers/{id}', { baseUrl, headers: idempotencyHeader(key), params: { path: { id } } }))
}

const isBusy = (e: unknown) => e instanceof ApiError && e.kind === 'http' && [429, 503, 504].includes(e.status)

/** Retries (bounded, same key) when the API is busy or the reply was lost; then refreshes the list. */
function useWrite<T>(fn: (t: Target) => Promise<T>) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: fn,
    ...writeRetry,
    // Refresh the list, unless the API said it is busy: asking it again at once would only fail
    // again and say so a second time (the toast has said it once).
    onSettled: (_data, error) => (isBusy(error) ? undefined : qc.invalidateQueries({ queryKey: customerKeys.all })),
  })
}

export const useCreateCustomer = () => useWrite(createCustomer)
export const useDeleteCustomer = () => useWrite(deleteCustomer)
