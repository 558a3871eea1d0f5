import { keepPreviousData, type QueryClient, queryOptions } from '@tanstack/react-query'
import { apiFor, ownTask, unwrap } from '@/lib/api-client'
import type { components } from '@/types/api'
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '@/types/limits'

export type Customer = components['schemas']['Customer']
export type CustomerPage = components['schemas']['CustomerPage']

/** The sizes a person can pick, within the API's `limit` bounds (generated from the spec). */
export const PAGE_SIZES = [LIST_LIMIT_DEFAULT, 50, LIST_LIMIT_MAX].filter((n, i, all) => n <= LIST_LIMIT_MAX && all.indexOf(n) === i)

/** GET /customers: sorted by ID, a page at a time; `nextCursor` is null on the last page. */
export function listCustomers(query: { prefix?: string; cursor?: string | null; limit: number }, signal?: AbortSignal) {
  const { client, baseUrl } = apiFor()
  const { prefix, cursor, limit } = query
  return unwrap(
    client.GET('/customers', {
      baseUrl, signal,
      params: { query: { limit, ...(prefix && { prefix }), ...(cursor && { cursor }) } },
    }),
  )
}

export const customerKeys = {
  all: ['customers'] as const,
  lists: ['customers', 'list'] as const,
  pages: (prefix: string, size: number) => ['customers', 'list', prefix, size] as const,
}

/** A page, and how many rows the pages before it held: the API may answer a page short (it stops
 *  early to answer in time, with a cursor for the rest), so row numbers cannot be page × size. */
export type ListedPage = CustomerPage & { offset: number }

/** Page `page` (1-based) of a search. The API pages by cursor, so page n asks the cache for page
 *  n-1 (fetching it when missing): a reloaded or shared link to page 3 just works. */
export function pageQuery(qc: QueryClient, prefix: string, size: number, page: number) {
  return queryOptions({
    queryKey: [...customerKeys.pages(prefix, size), page] as const,
    queryFn: async ({ signal }): Promise<ListedPage> => {
      await ownTask()
      const prev = page > 1 ? await qc.fetchQuery(pageQuery(qc, prefix, size, page - 1)) : null
      const offset = prev ? prev.offset + prev.items.length : 0
      if (prev && !prev.nextCursor) return { items: [], nextCursor: null, cutShort: false, offset }
      return { ...(await listCustomers({ prefix, cursor: prev?.nextCursor, limit: size }, signal)), offset }
    },
    placeholderData: keepPreviousData,
  })
}
