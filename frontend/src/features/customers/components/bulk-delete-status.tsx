import { cancelBulkDelete, dismissBulkDelete, useBulkDelete } from '@/features/customers/bulk-delete-job'
import { formatCount } from '@/lib/format'

/** A bulk delete's progress and outcome, above the table, until dismissed. */
export function BulkDeleteStatus() {
  const job = useBulkDelete()
  if (!job) return null
  const answered = job.deleted.length + job.missing.length + job.failed.length
  const active = job.phase === 'running' || job.phase === 'stopping'
  const tally = `${formatCount(job.deleted.length)} deleted, ${formatCount(job.missing.length)} were already gone, ${formatCount(job.failed.length)} failed`
  const text = active ? `Deleting: ${formatCount(answered)} of ${formatCount(job.total)} answered (${tally}).`
    : `${job.phase === 'stopped' ? `Bulk delete cancelled: ${formatCount(job.total - answered)} not sent. ` : 'Bulk delete done: '}${tally}.`
  return (
    <div className="bulk-bar">
      <p role="status" aria-label="Bulk delete" className="min-w-0 flex-1 text-sm">{text}</p>
      {active && <progress aria-label="Bulk delete progress" className="w-full sm:w-auto" max={job.total} value={answered} />}
      {job.phase === 'running' && <button type="button" className="btn" onClick={cancelBulkDelete}>Cancel delete</button>}
      {!active && <button type="button" className="btn" onClick={dismissBulkDelete}>Dismiss</button>}
      {job.failed.length > 0 && !active && <p className="w-full text-sm tone-error">First failure: “{job.failed[0]!.id}”: {job.failed[0]!.reason}</p>}
    </div>
  )
}
