import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { CopyButton } from '@/components/ui/copy-button'
import { Dialog } from '@/components/ui/dialog'
import { customerQuery } from '@/features/customers/api/get-customer'
import { idSubmissionsQuery } from '@/features/customers/api/list-id-submissions'
import { customerKeys } from '@/features/customers/api/list-customers'
import { ApiError } from '@/lib/api-client'
import { formatActor, formatTime } from '@/lib/format'
import { failure } from '@/lib/outcome'
import { SUBMISSIONS_LIMIT_MAX } from '@/types/limits'

/** `onDelete` absent: the person's role may not delete, and no Delete button shows. */
type Props = { id: string | null; onClose: () => void; onDelete: ((id: string) => void) | undefined }

/** The stored record of one ID, read fresh (GET /customers/{id}), and its workflow submissions. */
export function CustomerDetailsDialog({ id, onClose, onDelete }: Props) {
  return (
    <Dialog open={id !== null} title="Customer ID details" onClose={onClose}>
      {id && <Details id={id} onDelete={onDelete} />}
    </Dialog>
  )
}

function Details({ id, onDelete }: { id: string; onDelete: ((id: string) => void) | undefined }) {
  const q = useQuery(customerQuery(id))
  const qc = useQueryClient()
  const gone = q.error instanceof ApiError && q.error.code === 'not_found'
  // Deleted elsewhere: the list is read again, and the row leaves it.
  useEffect(() => {
    if (gone) void qc.invalidateQueries({ queryKey: customerKeys.lists })
  }, [gone, qc])
  const value = (v: string | undefined) => v ?? (q.isPending ? '…' : '–')
  return (
    <>
      <dl className="details">
        <dt>ID</dt>
        <dd className="flex items-center gap-1">
          <code className="wrap-anywhere">{id}</code>
          <CopyButton value={id} what="customer ID" />
        </dd>
        <dt>Created</dt>
        <dd>{value(q.data && formatTime(q.data.createdAt))}</dd>
        <dt>Created by</dt>
        <dd>{value(q.data && formatActor(q.data.createdBy))}</dd>
        <dt>Source</dt>
        <dd>{value(q.data?.source)}</dd>
      </dl>
      <p role="status" className={gone ? 'mt-2 text-sm tone-error' : 'muted min-h-5'}>
        {q.isPending ? 'Loading…' : gone ? `“${id}” no longer exists: it was deleted elsewhere.` : q.isError ? failure(q.error, id).text : ''}
      </p>
      {q.data && <Submissions id={id} />}
      {!gone && onDelete && (
        <div className="mt-3 flex justify-end">
          <button type="button" className="btn btn-danger" onClick={() => onDelete(id)}>Delete</button>
        </div>
      )}
    </>
  )
}

function Submissions({ id }: { id: string }) {
  const q = useQuery(idSubmissionsQuery(id))
  return (
    <div className="mt-3 text-sm">
      <h3 className="font-semibold">Workflow submissions</h3>
      {q.isPending ? <p className="muted">Loading…</p>
        : q.isError ? <p className="muted">Not available: {failure(q.error).text}</p>
        : q.data.length === 0 ? <p className="muted">None among the latest {SUBMISSIONS_LIMIT_MAX} submissions.</p>
        : (
          <ul aria-label="Workflow submissions" className="grid gap-1">
            {q.data.map((s) => (
              <li key={s.submissionId} className="wrap-anywhere">
                {formatTime(s.submittedAt)}: {s.status.toLowerCase()}{s.outcome && ` (${s.outcome.replace('_', ' ')})`}
                <span className="muted"> · by {formatActor(s.submittedBy)} · {s.submissionId}</span>
              </li>
            ))}
          </ul>
        )}
    </div>
  )
}
