import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { toast } from '@/components/ui/toaster'
import { useDeleteCustomer } from '@/features/customers/api/customer-mutations'
import { customerQuery } from '@/features/customers/api/get-customer'
import { pageQuery } from '@/features/customers/api/list-customers'
import { AddCustomerForm } from '@/features/customers/components/add-customer-form'
import { CustomerDetailsDialog } from '@/features/customers/components/customer-details-dialog'
import { CustomerTable } from '@/features/customers/components/customer-table'
import { ExportDialog } from '@/features/customers/components/export-dialog'
import { ImportDialog } from '@/features/customers/components/import-dialog'
import { ListPager } from '@/features/customers/components/list-pager'
import { ListStatus } from '@/features/customers/components/list-status'
import { ListToolbar } from '@/features/customers/components/list-toolbar'
import { useListLocation } from '@/features/customers/use-list-location'
import { newIdempotencyKey } from '@/lib/idempotency'
import { failure, ok } from '@/lib/outcome'

type Open = { kind: 'details' | 'delete'; id: string } | { kind: 'import' | 'export' } | null

/** The main view: add, search, page through, and act on customer IDs. */
export function CustomerList() {
  const [loc, setLoc] = useListLocation()
  const [open, setOpen] = useState<Open>(null)
  const [marked, setMarked] = useState<{ id: string; existed: boolean } | null>(null)
  const justAdded = marked?.id ?? null
  const heading = useRef<HTMLHeadingElement>(null)
  const qc = useQueryClient()
  const list = useQuery(pageQuery(qc, loc.q, loc.size, loc.page))
  const remove = useDeleteCustomer()
  const items = list.data?.items ?? []
  const onPage = !!justAdded && items.some((c) => c.id === justAdded)
  const pinned = useQuery({ ...customerQuery(justAdded ?? ''), enabled: !!justAdded && !onPage && !list.isPlaceholderData })
  const rows = pinned.data && !onPage ? [pinned.data, ...items] : items

  const focusHeading = () => requestAnimationFrame(() => heading.current?.focus())
  const confirmDelete = (id: string) => {
    setOpen(null)
    focusHeading() // its row is about to go: focus must not fall to <body>
    remove.mutate({ id, key: newIdempotencyKey() }, {
      onSuccess: () => toast(ok(`Deleted “${id}”.`)),
      onError: (err) => toast(failure(err, id)),
    })
  }

  return (
    <section aria-labelledby="list-h" className="card grid min-w-0 gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="list-h" ref={heading} tabIndex={-1} data-focus-fallback className="w-full text-xl font-semibold">Customer IDs</h2>
        <AddCustomerForm onAdded={(id, existed) => setMarked({ id, existed })} />
        <div className="flex gap-2 sm:pb-6">
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'import' })}>Import…</button>
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'export' })}>Export CSV…</button>
        </div>
      </div>
      <ListToolbar loc={loc} onChange={(patch) => setLoc({ ...patch, page: 1 })} />
      <ListStatus query={list} loc={loc} onRetry={() => void list.refetch()} />
      {list.isPending && <div className="min-h-screen" aria-hidden="true" />}
      {rows.length > 0 && (
        <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
          <CustomerTable rows={rows} highlight={marked} busy={list.isFetching}
            onDetails={(id) => setOpen({ kind: 'details', id })} onDelete={(id) => setOpen({ kind: 'delete', id })} />
        </div>
      )}
      {(loc.page > 1 || !!list.data?.nextCursor) && (
        <ListPager page={loc.page} hasNext={!!list.data?.nextCursor && !list.isPlaceholderData} onPage={(page) => setLoc({ page })} />
      )}
      <CustomerDetailsDialog id={open?.kind === 'details' ? open.id : null} onClose={() => setOpen(null)}
        onDelete={(id) => setOpen({ kind: 'delete', id })} />
      <ConfirmDialog open={open?.kind === 'delete'} title={`Delete “${open?.kind === 'delete' ? open.id : ''}”?`}
        body="The customer ID is removed for good: this cannot be undone." confirmLabel="Delete"
        onConfirm={() => open?.kind === 'delete' && confirmDelete(open.id)} onClose={() => setOpen(null)} />
      <ImportDialog open={open?.kind === 'import'} onClose={() => setOpen(null)} />
      <ExportDialog open={open?.kind === 'export'} prefix={loc.q} onClose={() => setOpen(null)} />
    </section>
  )
}
