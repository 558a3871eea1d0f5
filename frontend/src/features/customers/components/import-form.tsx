import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { ImportInput } from '@/features/customers/components/import-input'
import { ImportJobView } from '@/features/customers/components/import-job-view'
import { startBulkDelete } from '@/features/customers/bulk-delete-job'
import { setImportDialogOpen, useImportJob } from '@/features/customers/import/import-job'
import { formatCount } from '@/lib/format'

/** The import dialog's body: the running (or last) import until it is dismissed, else a new one.
 *  A file can also be used the other way round: delete every valid ID in it (a bad import undone). */
export function ImportForm() {
  const job = useImportJob()
  const [toDelete, setToDelete] = useState<string[] | null>(null)
  const qc = useQueryClient()
  const n = formatCount(toDelete?.length ?? 0)
  const remove = () => {
    if (toDelete) void startBulkDelete(qc, toDelete)
    setToDelete(null)
    setImportDialogOpen(false)
  }
  return (
    <>
      {job ? <ImportJobView job={job} /> : <ImportInput onDeleteFile={setToDelete} />}
      <ConfirmDialog open={toDelete !== null} title={`Delete the ${n} IDs in this file?`} confirmLabel={`Delete ${n} IDs`}
        body="Every valid ID in the file is deleted, a few at a time; the list shows the progress. There is no Undo."
        onConfirm={remove} onClose={() => setToDelete(null)} />
    </>
  )
}
