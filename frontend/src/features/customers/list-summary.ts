// What the list says about the page it shows: pure, so every case is unit-tested.
import type { ListedPage } from '@/features/customers/api/list-customers'
import { formatCount } from '@/lib/format'

/** The range of the rows actually shown, and whether more follow. A page may come back short, even
 *  empty, with a cursor: the API stopped early to answer in time. That is never "no IDs".
 *  `canAdd`: the person's role may add IDs (else the list does not suggest it). */
export function describePage(data: ListedPage, page: number, q: string, canAdd = true): string {
  const search = q && ` starting with “${q}”`
  const n = data.items.length
  if (n === 0 && data.nextCursor) return `No rows on this page, but more IDs follow${search}: press Next.`
  if (n === 0)
    return page > 1 ? 'This page is empty: go back to the first page.'
      : q ? `No customer IDs start with “${q}”. Clear the search${canAdd ? ', or add it' : ''}.`
      : `No customer IDs yet.${canAdd ? ' Add one above, or import a file.' : ''}`
  const range = `Showing ${formatCount(data.offset + 1)}–${formatCount(data.offset + n)}`
  return data.nextCursor ? `${range}${search}; more IDs follow.` : `${range} of ${formatCount(data.offset + n)}${search}.`
}

/** The prefix search as the API takes it: trimmed; null with a reason when it cannot match an ID. */
export function searchPrefix(text: string): { prefix: string; problem: null } | { prefix: null; problem: string } {
  const prefix = text.trim()
  if (/^[A-Za-z0-9_-]{0,64}$/.test(prefix)) return { prefix, problem: null }
  return { prefix: null, problem: 'IDs hold only letters, digits, “_” and “-”: no ID starts with that.' }
}
