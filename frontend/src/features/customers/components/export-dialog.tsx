import { useRef, useState } from 'react'
import { Dialog } from '@/components/ui/dialog'
import { toast } from '@/components/ui/toaster'
import { exportCustomers, exportFileName, toCsv } from '@/features/customers/api/export-customers'
import { downloadText } from '@/lib/download'
import { formatCount } from '@/lib/format'
import { failure, info, ok } from '@/lib/outcome'

type Props = { open: boolean; prefix: string; onClose: () => void }

/** Every ID of the current search, or of the whole table, as CSV: walks the cursor page by page. */
export function ExportDialog({ open, prefix, onClose }: Props) {
  const [scope, setScope] = useState<'search' | 'all'>('search')
  const [count, setCount] = useState<number | null>(null)
  const abort = useRef<AbortController | null>(null)
  const effective = prefix ? scope : 'all'

  const start = async () => {
    if (count !== null) return
    const ctrl = (abort.current = new AbortController())
    const p = effective === 'search' ? prefix : ''
    setCount(0)
    try {
      const rows = await exportCustomers(p, ctrl.signal, setCount)
      downloadText(exportFileName(p ? `prefix-${p}` : 'all'), toCsv(rows))
      toast(ok(`Exported ${formatCount(rows.length)} customer IDs.`))
      onClose()
    } catch (e) {
      toast(ctrl.signal.aborted ? info('Export cancelled.') : failure(e))
    } finally {
      setCount(null)
    }
  }

  return (
    <Dialog open={open} title="Export as CSV" onClose={() => (abort.current?.abort(), onClose())}>
      <fieldset className="grid gap-2" disabled={count !== null}>
        <legend className="label">What to export</legend>
        {prefix && (
          <label className="flex items-center gap-2">
            <input type="radio" name="scope" checked={effective === 'search'} onChange={() => setScope('search')} />
            IDs starting with “{prefix}”
          </label>
        )}
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" checked={effective === 'all'} onChange={() => setScope('all')} />
          Every customer ID
        </label>
      </fieldset>
      <p role="status" className="muted my-3 min-h-5">
        {count !== null && `Fetched ${formatCount(count)} IDs so far…`}
      </p>
      <div className="flex justify-end gap-2">
        {count !== null ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>Cancel export</button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => void start()}>Export</button>
        )}
      </div>
    </Dialog>
  )
}
