import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '@/lib/api-client'

/** DELETE /customers/{id}: 204, 404 not_found. */
export const deleteCustomer = (id: string) =>
  api<void>(`/customers/${encodeURIComponent(id)}`, { method: 'DELETE' })

export function useDeleteCustomer() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: deleteCustomer,
    onSettled: () => qc.invalidateQueries({ queryKey: ['customers'] }),
  })
}
