import type { UseQueryResult } from '@tanstack/react-query'
import type { ListedPage } from '@/features/customers/api/list-customers'
import { describePage } from '@/features/customers/list-summary'
import type { ListLocation } from '@/features/customers/use-list-location'
import { isConnectionError } from '@/lib/api-client'
import { failure } from '@/lib/outcome'
import { may } from '@/lib/roles'
import { useSession } from '@/lib/session'

type Props = { query: UseQueryResult<ListedPage>; loc: ListLocation; onRetry: () => void }

/** One line that says where the reader is ("26–50"), what is loading, or what to do next. A broken
 *  connection is the header banner's to explain: here it is one quiet sentence, not a second alarm. */
export function ListStatus({ query, loc, onRetry }: Props) {
  const { data, isPending, isError, error, isPlaceholderData } = query
  const offline = isError && isConnectionError(error)
  const canAdd = may(useSession().role, 'write')
  let text: string
  if (isPending) text = 'Loading customer IDs…'
  else if (offline) text = 'Not connected: fix the connection settings to see customer IDs.'
  else if (isError) text = `Could not load this page. ${failure(error).text}`
  else if (isPlaceholderData || !data) text = 'Loading…'
  else text = describePage(data, loc.page, loc.q, canAdd)
  return (
    <div className="flex min-h-8 flex-wrap items-center gap-2">
      <p role="status" aria-label="List status" className={isError && !offline ? 'text-sm tone-error' : 'muted'}>{text}</p>
      {isError && !offline && <button type="button" className="btn" onClick={onRetry}>Retry</button>}
    </div>
  )
}
