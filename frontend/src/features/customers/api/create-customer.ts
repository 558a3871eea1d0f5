import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '@/lib/api-client'
import type { components } from '@/types/api'

export type Customer = components['schemas']['Customer']

/** PUT /customers/{id}: 201 created, 409 already_exists, 400 invalid_id. */
export const createCustomer = (id: string) =>
  api<Customer>(`/customers/${encodeURIComponent(id)}`, { method: 'PUT' })

export function useCreateCustomer() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: createCustomer,
    onSettled: () => qc.invalidateQueries({ queryKey: ['customers'] }),
  })
}
