import { sentCount, setImportDialogOpen, totalCount, useImportJob } from '@/features/customers/import/import-job'
import { formatCount } from '@/lib/format'

/** The header's view of an import whose dialog is closed: its progress or outcome; it reopens it. */
export function ImportChip() {
  const job = useImportJob()
  if (!job) return null
  const sent = `${formatCount(sentCount(job))} of ${formatCount(totalCount(job))}`
  const text = {
    running: `Importing ${sent}`,
    stopping: `Stopping import (${sent})`,
    stopped: `Import cancelled (${sent})`,
    failed: `Import stopped (${sent})`,
    done: 'Import done',
  }[job.phase]
  return (
    <button type="button" className={`import-chip ${job.phase === 'failed' ? 'tone-error' : ''}`} onClick={() => setImportDialogOpen(true)}
      aria-label={`${text}: show the import`} title="Show the import">
      {text}
    </button>
  )
}
