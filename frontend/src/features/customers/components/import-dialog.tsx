import { useState } from 'react'
import { Dialog } from '@/components/ui/dialog'
import { ImportForm } from '@/features/customers/components/import-form'
import { cancelImport, isImportActive, setImportDialogOpen, useImportDialogOpen, useImportJob } from '@/features/customers/import/import-job'

/** Opened from the list or from the header's chip. Closing it mid-import asks first; the import
 *  keeps running either way (the chip shows it), so nothing is lost. */
export function ImportDialog() {
  const open = useImportDialogOpen()
  const job = useImportJob()
  const [asking, setAsking] = useState(false)
  const close = () => (setAsking(false), setImportDialogOpen(false))
  // A second Escape (or Close) while asking means "yes, hide it".
  const mayClose = () => asking || !isImportActive(job) || (setAsking(true), false)
  return (
    <Dialog open={open} title="Import customer IDs" onClose={close} mayClose={mayClose} wide>
      {asking && isImportActive(job) && (
        <div role="group" aria-label="Close while importing?" className="bulk-bar mb-3">
          <p>The import is still running. Hidden, it goes on: the header shows it.</p>
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn" onClick={close} autoFocus>Hide, keep importing</button>
            <button type="button" className="btn" onClick={() => (cancelImport(), setAsking(false))}>Cancel the import</button>
            <button type="button" className="btn" onClick={() => setAsking(false)}>Stay here</button>
          </div>
        </div>
      )}
      <ImportForm />
    </Dialog>
  )
}
