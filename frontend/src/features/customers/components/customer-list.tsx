import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import { customerQuery } from '@/features/customers/api/get-customer'
import { type Customer, pageQuery } from '@/features/customers/api/list-customers'
import { AddCustomerForm } from '@/features/customers/components/add-customer-form'
import { BulkBar } from '@/features/customers/components/bulk-bar'
import { BulkDeleteStatus } from '@/features/customers/components/bulk-delete-status'
import { CustomerDetailsDialog } from '@/features/customers/components/customer-details-dialog'
import { CustomerTable, type Highlight } from '@/features/customers/components/customer-table'
import { ExportDialog } from '@/features/customers/components/export-dialog'
import { GoToId } from '@/features/customers/components/go-to-id'
import { ImportDialog } from '@/features/customers/components/import-dialog'
import { ListPager } from '@/features/customers/components/list-pager'
import { ListStatus } from '@/features/customers/components/list-status'
import { ListToolbar } from '@/features/customers/components/list-toolbar'
import { setImportDialogOpen } from '@/features/customers/import/import-job'
import { useSelection } from '@/features/customers/use-selection'
import { useDeleteWithUndo } from '@/features/customers/use-delete-with-undo'
import { useListLocation } from '@/features/customers/use-list-location'
import { formatCount } from '@/lib/format'
import { may } from '@/lib/roles'
import { useSession } from '@/lib/session'

type Open = { kind: 'details'; id: string } | { kind: 'export' } | null

const NONE: Customer[] = []

/** The main view: add, search, go to an ID, page through, select, and act on customer IDs. What the
 *  person's role may not do (add and import: operator; delete: admin) is not offered. */
export function CustomerList() {
  const { role } = useSession()
  const canWrite = may(role, 'write')
  const [loc, setLoc] = useListLocation()
  const [open, setOpen] = useState<Open>(null)
  const [marked, setMarked] = useState<Highlight | null>(null)
  const tableTop = useRef<HTMLDivElement>(null)
  const qc = useQueryClient()
  const list = useQuery(pageQuery(qc, loc.q, loc.size, loc.page))
  const { removed, deleteNow } = useDeleteWithUndo((id) => setMarked({ id, label: 'restored' }))
  const items = list.data?.items ?? NONE
  // The row just added (or found) is pinned on top when it sorts onto another page.
  const onPage = !!marked && items.some((c) => c.id === marked.id)
  const pinned = useQuery({ ...customerQuery(marked?.id ?? ''), enabled: !!marked && !onPage && !list.isPlaceholderData })
  const extra = !onPage ? pinned.data : undefined
  const rows = useMemo(() => (extra ? [extra, ...items] : items).filter((c) => !removed.has(c.id)), [extra, items, removed])
  // The table draws a page in a transition: in slices the browser can interleave with input and
  // paint, not one long task when a page arrives. Rows and highlight go together, so the highlighted
  // row is in the table when it is scrolled to.
  const remove = may(role, 'delete') ? (id: string) => deleteNow(id, rows.map((c) => c.id)) : undefined
  const shown = useDeferredValue(useMemo(() => ({ rows, highlight: marked }), [rows, marked]))
  const selection = useSelection(rows.map((c) => c.id), `${loc.q}|${loc.size}|${loc.page}`)
  const hasNext = !!list.data?.nextCursor && !list.isPlaceholderData
  const range = list.data?.items.length ? `rows ${formatCount(list.data.offset + 1)}–${formatCount(list.data.offset + list.data.items.length)}` : undefined

  // A page change from the lower pager goes back up to the table's top, focus with it.
  const turn = (where: 'top' | 'bottom') => (page: number) => {
    setLoc({ page }, true)
    if (where === 'bottom') {
      tableTop.current?.scrollIntoView({ block: 'start' })
      tableTop.current?.querySelector<HTMLElement>(`[data-go="${page > loc.page ? 'next' : page === 1 ? 'first' : 'previous'}"]`)?.focus()
    }
  }
  useEffect(() => {
    setMarked((m) => (m && loc.q && !m.id.startsWith(loc.q) ? null : m))
  }, [loc.q])

  return (
    <section aria-labelledby="list-h" className="card grid min-w-0 gap-3">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h2 id="list-h" tabIndex={-1} data-focus-fallback className="w-full text-xl font-semibold">Customer IDs</h2>
        {canWrite && <AddCustomerForm onAdded={(id, existed) => setMarked({ id, label: existed ? 'already there' : 'just added' })} />}
        <div className={`flex gap-2 ${canWrite ? 'sm:pt-6' : ''}`}>
          {canWrite && <button type="button" className="btn" onClick={() => setImportDialogOpen(true)}>Import…</button>}
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'export' })}>Export CSV…</button>
        </div>
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <ListToolbar loc={loc} onChange={(patch) => setLoc({ ...patch, page: 1 })} />
        <GoToId onFound={(id) => (setLoc({ q: id, page: 1 }, true), setMarked({ id, label: 'found' }))} />
      </div>
      <ListStatus query={list} loc={loc} onRetry={() => void list.refetch()} />
      <BulkDeleteStatus />
      {selection.size > 0 && <BulkBar rows={rows.filter((c) => selection.has(c.id))} onClear={selection.clear} mayDelete={!!remove} />}
      <div ref={tableTop} className="grid min-w-0 gap-3">
        {(loc.page > 1 || hasNext) && <ListPager where="top" page={loc.page} hasNext={hasNext} onPage={turn('top')} range={range} />}
        {(list.isPending || (rows.length > 0 && shown.rows.length === 0)) && <div className="min-h-screen" aria-hidden="true" />}
        {shown.rows.length > 0 && (
          <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
            <CustomerTable rows={shown.rows} highlight={shown.highlight} busy={list.isFetching} selected={selection.ids} onSelect={selection.toggle}
              onDetails={(id) => setOpen({ kind: 'details', id })} onDelete={remove} />
          </div>
        )}
        {(loc.page > 1 || hasNext) && rows.length > 10 && (
          <ListPager where="bottom" page={loc.page} hasNext={hasNext} onPage={turn('bottom')} range={range} />
        )}
      </div>
      <CustomerDetailsDialog id={open?.kind === 'details' ? open.id : null} onClose={() => setOpen(null)}
        onDelete={remove && ((id) => (setOpen(null), remove(id)))} />
      {canWrite && <ImportDialog />}
      <ExportDialog open={open?.kind === 'export'} prefix={loc.q} onClose={() => setOpen(null)} />
    </section>
  )
}
