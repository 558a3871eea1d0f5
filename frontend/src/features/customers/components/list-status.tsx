import type { UseQueryResult } from '@tanstack/react-query'
import type { CustomerPage } from '@/features/customers/api/list-customers'
import type { ListLocation } from '@/features/customers/use-list-location'
import { isConnectionError } from '@/lib/api-client'
import { formatCount } from '@/lib/format'
import { failure } from '@/lib/outcome'

type Props = { query: UseQueryResult<CustomerPage>; loc: ListLocation; onRetry: () => void }

/** One line that says where the reader is ("26–50"), what is loading, or what to do next. A broken
 *  connection is the header banner's to explain: here it is one quiet sentence. */
export function ListStatus({ query, loc, onRetry }: Props) {
  const { data, isPending, isError, error, isPlaceholderData } = query
  const search = loc.q && ` starting with “${loc.q}”`
  let text: string
  if (isPending) text = 'Loading customer IDs…'
  else if (isError && isConnectionError(error)) text = 'Not connected: fix the connection settings to see customer IDs.'
  else if (isError) text = `Could not load this page. ${failure(error).text}`
  else if (isPlaceholderData) text = 'Loading…'
  else if (!data?.items.length)
    text = loc.page > 1 ? 'This page is empty: go back to the first page.'
      : loc.q ? `No customer IDs start with “${loc.q}”. Clear the search, or add it.`
      : 'No customer IDs yet. Add one above, or import a file.'
  else {
    const first = (loc.page - 1) * loc.size + 1
    const last = first + data.items.length - 1
    text = `Showing ${formatCount(first)}–${formatCount(last)}${data.nextCursor ? '' : ` of ${formatCount(last)}`}${search}.`
  }
  return (
    <div className="flex min-h-8 flex-wrap items-center gap-2">
      <p role="status" aria-label="List status" className={isError ? 'text-sm tone-error' : 'muted'}>{text}</p>
      {isError && !isConnectionError(error) && (
        <button type="button" className="btn" onClick={onRetry}>Retry</button>
      )}
    </div>
  )
}
