import { useMutation } from '@tanstack/react-query'
import { api } from '@/lib/api-client'
import type { components } from '@/types/api'

/** GET /customers/{id}: 200 with the customer, 404 not_found. */
export const getCustomer = (id: string) =>
  api<components['schemas']['Customer']>(`/customers/${encodeURIComponent(id)}`)

/** "Check" is a button press about one ID, so it runs as an on-demand call with its own state,
 *  not as a cached query that would refire as the person types. */
export const useCheckCustomer = () => useMutation({ mutationFn: getCustomer })
