import { type MouseEvent, startTransition, useEffect, useRef, useState } from 'react'
import { CopyButton } from '@/components/ui/copy-button'
import type { Customer } from '@/features/customers/api/list-customers'
import { formatTime } from '@/lib/format'

export type Highlight = { id: string; label: string }

const FIRST_ROWS = 8

/** How many rows to draw: the table's first page goes in a few steps, one frame each (8, 16, 32...),
 *  so no single frame creates, styles, lays out and paints them all while the page is still starting
 *  up (a long task on a slow phone). Later pages, once the table is full, are drawn at once. */
function useRowsInSteps(count: number) {
  const [limit, setLimit] = useState(FIRST_ROWS)
  useEffect(() => {
    if (limit >= count) return
    // After the next paint: a frame's rendering between two steps.
    let timer = 0
    const frame = requestAnimationFrame(() => (timer = window.setTimeout(() => startTransition(() => setLimit((n) => n * 2)))))
    return () => (cancelAnimationFrame(frame), clearTimeout(timer))
  }, [limit, count])
  return limit
}

type Props = {
  rows: Customer[]
  /** The row the person just added, found, or tried to add and found already there. */
  highlight: Highlight | null
  busy: boolean
  selected: ReadonlySet<string>
  /** One row (`range`: from the last one toggled to this one, as shift-click does), or all (`id` null). */
  onSelect: (id: string | null, on: boolean, range: boolean) => void
  onDetails: (id: string) => void
  /** Absent when the person's role may not delete: no Delete buttons then. */
  onDelete?: (id: string) => void
}

/** The page of IDs. Long IDs truncate on one line, except the highlighted row's, which wraps so its
 *  ID is read whole on a phone; the full value shows on hover and while a row's control has
 *  keyboard focus. Times are UTC, as in the export. */
export function CustomerTable({ rows, highlight, busy, selected, onSelect, onDetails, onDelete }: Props) {
  const marked = useRef<HTMLTableRowElement>(null)
  const limit = useRowsInSteps(rows.length)
  const drawn = limit >= rows.length
  useEffect(() => {
    marked.current?.scrollIntoView({ block: 'nearest' })
  }, [highlight, drawn])
  const all = rows.length > 0 && rows.every((c) => selected.has(c.id))
  const some = !all && rows.some((c) => selected.has(c.id))
  const tick = (id: string) => (e: MouseEvent<HTMLInputElement>) => onSelect(id, e.currentTarget.checked, e.shiftKey)
  return (
    <table className="data-table" aria-label="Customer IDs" aria-busy={busy}>
      <thead>
        <tr>
          <th scope="col" className="w-9">
            <input type="checkbox" aria-label="Select every row on this page" checked={all}
              ref={(el) => void (el && (el.indeterminate = some))} onChange={(e) => onSelect(null, e.target.checked, false)} />
          </th>
          <th scope="col">ID</th>
          <th scope="col" className="hidden w-48 md:table-cell">Created</th>
          <th scope="col" className="hidden w-24 sm:table-cell">Source</th>
          <th scope="col" className="w-30 text-right"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {(drawn ? rows : rows.slice(0, limit)).map((c) => {
          const lit = c.id === highlight?.id
          return (
            <tr key={c.id} ref={lit ? marked : undefined} tabIndex={-1} data-row-id={c.id}
              className={`${lit ? 'row-new' : ''} ${selected.has(c.id) ? 'row-selected' : ''}`}>
              <td>
                <input type="checkbox" aria-label={`Select ${c.id}`} checked={selected.has(c.id)} onChange={() => {}} onClick={tick(c.id)} />
              </td>
              <td className="id-cell" data-tip={lit ? undefined : c.id}>
                <div className={`flex min-w-0 gap-x-2 ${lit ? 'flex-wrap items-start' : 'items-center'}`}>
                  <span className={lit ? 'id-text-whole' : 'id-text'} title={c.id}>{c.id}</span>
                  {lit && <span className="badge">{highlight.label}</span>}
                </div>
              </td>
              <td className="hidden md:table-cell">{formatTime(c.createdAt)}</td>
              <td className="hidden sm:table-cell">{c.source}</td>
              <td className="text-right whitespace-nowrap">
                <CopyButton value={c.id} what="customer ID" />
                <button type="button" className="btn-icon icon-info" aria-label={`Details of ${c.id}`} title="Details" onClick={() => onDetails(c.id)} />
                {onDelete && <button type="button" className="btn-icon icon-trash" aria-label={`Delete ${c.id}`} title="Delete" onClick={() => onDelete(c.id)} />}
              </td>
            </tr>
          )
        })}
        {/* The rows still to come keep their room (each is a 2rem button, its padding and border), so
            nothing below the table, nor the page's scrollbar, moves as they arrive. */}
        {!drawn && <tr aria-hidden="true" style={{ height: `calc(${rows.length - limit} * (2.5rem + 1px))` }} />}
      </tbody>
    </table>
  )
}
