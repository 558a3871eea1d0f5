import { queryOptions } from '@tanstack/react-query'
import { apiFor, unwrap } from '@/lib/api-client'

/** GET /customers/{id}: the stored record, read consistently (200, or 404 not_found). */
export const customerQuery = (id: string) =>
  queryOptions({
    queryKey: ['customers', 'one', id],
    queryFn: ({ signal }) => {
      const { client, baseUrl } = apiFor()
      return unwrap(client.GET('/customers/{id}', { baseUrl, signal, params: { path: { id } } }))
    },
    staleTime: 0,
    retry: false,
  })
