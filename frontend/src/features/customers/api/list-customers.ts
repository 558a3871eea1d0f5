import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from '@/lib/api-client'
import type { components, operations } from '@/types/api'

type Query = NonNullable<operations['listCustomers']['parameters']['query']>

/** GET /customers: sorted by id, a page at a time; `nextCursor` is null on the last page. */
export function listCustomers(query: Query) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v))
  return api<components['schemas']['CustomerPage']>(`/customers?${params}`)
}

export const PAGE_SIZE = 25

/** One page; the previous page stays on screen while the next one loads. */
export const useCustomers = (prefix: string, cursor: string | undefined) =>
  useQuery({
    queryKey: ['customers', 'list', prefix, cursor],
    queryFn: () => listCustomers({ limit: PAGE_SIZE, prefix, cursor }),
    placeholderData: keepPreviousData,
  })
