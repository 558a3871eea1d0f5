import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { toast } from '@/components/ui/toaster'
import { exportFileName, toCsv } from '@/features/customers/api/export-customers'
import type { Customer } from '@/features/customers/api/list-customers'
import { startBulkDelete } from '@/features/customers/bulk-delete-job'
import { copyText } from '@/lib/copy'
import { downloadText } from '@/lib/download'
import { formatCount } from '@/lib/format'
import { bad, ok } from '@/lib/outcome'

type Props = { rows: Customer[]; onClear: () => void; mayDelete: boolean }

/** What can be done with the selected rows: copy, export, delete (one confirmation for all; only
 *  for a role that may delete). */
export function BulkBar({ rows, onClear, mayDelete }: Props) {
  const [asking, setAsking] = useState(false)
  const qc = useQueryClient()
  const n = formatCount(rows.length)
  const ids = rows.map((c) => c.id)
  const copy = async () =>
    toast((await copyText(ids.join('\n'))) ? ok(`Copied ${n} IDs, one per line.`) : bad('Could not copy: the browser refused.'))
  const remove = () => {
    setAsking(false)
    onClear()
    void startBulkDelete(qc, ids)
  }
  return (
    <div role="group" aria-label="Selected rows" className="bulk-bar">
      <span className="font-semibold">{n} selected</span>
      <button type="button" className="btn" onClick={() => void copy()}>Copy IDs</button>
      <button type="button" className="btn" onClick={() => downloadText(exportFileName('selection'), toCsv(rows))}>Export selection</button>
      {mayDelete && <button type="button" className="btn btn-danger" onClick={() => setAsking(true)}>Delete {n}…</button>}
      <button type="button" className="btn" onClick={onClear}>Clear selection</button>
      <ConfirmDialog open={asking} title={`Delete ${n} customer IDs?`} confirmLabel={`Delete ${n}`} onConfirm={remove} onClose={() => setAsking(false)}
        body="A bulk delete has no Undo." />
    </div>
  )
}
