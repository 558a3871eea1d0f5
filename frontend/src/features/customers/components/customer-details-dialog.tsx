import { useQuery } from '@tanstack/react-query'
import { CopyButton } from '@/components/ui/copy-button'
import { Dialog } from '@/components/ui/dialog'
import { customerQuery } from '@/features/customers/api/get-customer'
import { formatTime } from '@/lib/format'
import { failure } from '@/lib/outcome'

type Props = { id: string | null; onClose: () => void; onDelete: (id: string) => void }

/** The stored record of one ID, read fresh (GET /customers/{id}). */
export function CustomerDetailsDialog({ id, onClose, onDelete }: Props) {
  return (
    <Dialog open={id !== null} title="Customer ID details" onClose={onClose}>
      {id && <Details id={id} onDelete={onDelete} />}
    </Dialog>
  )
}

function Details({ id, onDelete }: { id: string; onDelete: (id: string) => void }) {
  const q = useQuery(customerQuery(id))
  return (
    <>
      <dl className="details">
        <dt>ID</dt>
        <dd className="flex items-center gap-1">
          <code className="wrap-anywhere">{id}</code>
          <CopyButton value={id} what="customer ID" />
        </dd>
        <dt>Created</dt>
        <dd>{q.data ? formatTime(q.data.createdAt) : '…'}</dd>
        <dt>Source</dt>
        <dd>{q.data?.source ?? '…'}</dd>
      </dl>
      <p role="status" className="muted min-h-5">
        {q.isPending ? 'Loading…' : q.isError ? failure(q.error, id).text : ''}
      </p>
      <div className="mt-3 flex justify-end">
        <button type="button" className="btn btn-danger" onClick={() => onDelete(id)}>Delete…</button>
      </div>
    </>
  )
}
