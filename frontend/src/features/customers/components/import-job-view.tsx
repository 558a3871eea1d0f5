import { useQueryClient } from '@tanstack/react-query'
import { RejectedList } from '@/features/customers/components/import-preview'
import {
  cancelImport, dismissImport, type ImportJob, resumeImport, sentCount, setImportDialogOpen, totalCount,
} from '@/features/customers/import/import-job'
import { rejectedCsv } from '@/features/customers/import/parse-import'
import { setListLocation } from '@/features/customers/use-list-location'
import { downloadText } from '@/lib/download'
import { formatCount } from '@/lib/format'

const SHOWN_EXISTING = 20

/** The import under way, or its outcome: what the server said it stored, chunk by chunk. */
export function ImportJobView({ job }: { job: ImportJob }) {
  const qc = useQueryClient()
  const sent = sentCount(job)
  const total = totalCount(job)
  const chunks = job.chunks.length
  const active = job.phase === 'running' || job.phase === 'stopping'
  return (
    <section aria-label="Import" className="grid gap-3 text-sm">
      <p role="status" aria-label="Import status" className={job.phase === 'failed' ? 'tone-error' : undefined}>
        {job.phase === 'running' && `Sending request ${job.answered + 1} of ${chunks}: ${formatCount(sent)} of ${formatCount(total)} IDs answered.`}
        {job.phase === 'stopping' && `Cancelling: waiting for the answer to request ${job.answered + 1} of ${chunks}.`}
        {job.phase === 'stopped' && `Cancelled after ${job.answered} of ${chunks} requests: ${formatCount(total - sent)} IDs not sent.`}
        {job.phase === 'stopped' && job.error && ` Request ${job.answered + 1} failed: ${job.error}`}
        {job.phase === 'failed' && `Stopped at request ${job.answered + 1} of ${chunks}: ${job.error} ${formatCount(total - sent)} IDs not sent.`}
        {job.phase === 'done' && `Done: all ${chunks} requests answered.`}
      </p>
      <progress aria-label="Import progress" className="w-full" max={total} value={sent} />
      <p aria-label="Import result">
        The server stored <strong>{formatCount(job.created.length)}</strong> new, <strong>{formatCount(job.existing.length)}</strong> already
        existed; <strong>{formatCount(job.rejected.length)}</strong> of the file&apos;s {formatCount(job.rows)} rows were not imported.
      </p>
      {job.existing.length > 0 && <ExistingIds ids={job.existing} />}
      {job.rejected.length > 0 && (
        <>
          <RejectedList rows={job.rejected} label="Rows not imported" />
          <div>
            <button type="button" className="btn" onClick={() => downloadText(`rejected-rows-${today()}.csv`, rejectedCsv(job.rejected))}>
              Download report of rows not imported
            </button>
          </div>
        </>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        {active && (
          <button type="button" className="btn" aria-disabled={job.phase === 'stopping'} onClick={cancelImport}>Cancel import</button>
        )}
        {(job.phase === 'stopped' || job.phase === 'failed') && (
          <button type="button" className="btn btn-primary" onClick={() => resumeImport(qc)}>
            Resume: send the other {formatCount(total - sent)}
          </button>
        )}
        {!active && <button type="button" className="btn" onClick={dismissImport}>Dismiss and start another</button>}
      </div>
    </section>
  )
}

const today = () => new Date().toISOString().slice(0, 10)

/** The IDs the server had already: each opens its row in the list. */
function ExistingIds({ ids }: { ids: string[] }) {
  const open = (id: string) => {
    setListLocation({ q: id, page: 1 })
    setImportDialogOpen(false)
  }
  return (
    <details open>
      <summary>IDs that already existed ({formatCount(ids.length)})</summary>
      <ul aria-label="IDs that already existed" className="mt-1 flex max-h-40 flex-wrap gap-x-3 overflow-y-auto">
        {ids.slice(0, SHOWN_EXISTING).map((id) => (
          <li key={id}>
            <a className="link font-mono" href={`?q=${encodeURIComponent(id)}`} onClick={(e) => (e.preventDefault(), open(id))}>{id}</a>
          </li>
        ))}
      </ul>
      {ids.length > SHOWN_EXISTING && <p className="muted">…and {formatCount(ids.length - SHOWN_EXISTING)} more.</p>}
    </details>
  )
}
