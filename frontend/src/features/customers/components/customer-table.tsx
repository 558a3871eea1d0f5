import { CopyButton } from '@/components/ui/copy-button'
import { InfoIcon, TrashIcon } from '@/components/ui/icons'
import type { Customer } from '@/features/customers/api/list-customers'
import { formatTime } from '@/lib/format'

type Props = {
  rows: Customer[]
  /** The row the person just added, or tried to add and found already there. */
  highlight: { id: string; existed: boolean } | null
  busy: boolean
  onDetails: (id: string) => void
  onDelete: (id: string) => void
}

/** The page of IDs. Long IDs truncate on one line (never broken mid-token); the full value shows
 *  on hover (title) and while any of the row's buttons has focus. */
export function CustomerTable({ rows, highlight, busy, onDetails, onDelete }: Props) {
  return (
    <table className="data-table" aria-label="Customer IDs" aria-busy={busy}>
      <thead>
        <tr>
          <th scope="col">ID</th>
          <th scope="col" className="hidden w-48 md:table-cell">Created</th>
          <th scope="col" className="hidden w-24 sm:table-cell">Source</th>
          <th scope="col" className="w-30 text-right"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} className={c.id === highlight?.id ? 'row-new' : undefined}>
            <td className="id-cell">
              <div className="flex min-w-0 items-center gap-2">
                <span className="id-text" title={c.id}>{c.id}</span>
                {c.id === highlight?.id && <span className="badge">{highlight.existed ? 'already there' : 'just added'}</span>}
              </div>
              <span className="id-tip" aria-hidden="true">{c.id}</span>
            </td>
            <td className="hidden md:table-cell">{formatTime(c.createdAt)}</td>
            <td className="hidden sm:table-cell">{c.source}</td>
            <td className="text-right whitespace-nowrap">
              <CopyButton value={c.id} what="customer ID" />
              <button type="button" className="btn-icon" aria-label={`Details of ${c.id}`} title="Details" onClick={() => onDetails(c.id)}>
                <InfoIcon />
              </button>
              <button type="button" className="btn-icon btn-icon-danger" aria-label={`Delete ${c.id}`} title="Delete" onClick={() => onDelete(c.id)}>
                <TrashIcon />
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
