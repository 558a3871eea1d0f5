import { useQueryClient } from '@tanstack/react-query'
import { type ChangeEvent, useMemo, useRef, useState } from 'react'
import { toast } from '@/components/ui/toaster'
import { type BatchProgress, createCustomersBatch } from '@/features/customers/api/create-customers-batch'
import { customerKeys } from '@/features/customers/api/list-customers'
import { ImportPreviewView } from '@/features/customers/components/import-preview'
import { ImportResult, type ImportSummary } from '@/features/customers/components/import-result'
import { cellsOf, parseImport, previewImport } from '@/features/customers/import/parse-import'
import { formatCount } from '@/lib/format'
import { failure, info, ok } from '@/lib/outcome'
import { useDebounced } from '@/lib/use-debounced'

/** Paste or pick a file; see what will happen to every line; send the valid IDs in chunks. */
export default function ImportForm() {
  const [text, setText] = useState('')
  const [choice, setChoice] = useState<{ header?: boolean; column?: number }>({})
  const [progress, setProgress] = useState<BatchProgress | null>(null)
  const [summary, setSummary] = useState<ImportSummary | null>(null)
  const abort = useRef<AbortController | null>(null)
  const qc = useQueryClient()
  const settled = useDebounced(text, 150)
  const file = useMemo(() => parseImport(settled), [settled])
  const csv = file.kind === 'csv' ? file : null
  const header = choice.header ?? csv?.header ?? false
  const column = choice.column ?? csv?.column ?? 0
  const preview = useMemo(() => previewImport(cellsOf(file, header, column)), [file, header, column])

  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0]
    if (!f) return
    setText(await f.text())
    setChoice({})
    setSummary(null)
  }
  const send = async () => {
    if (progress || !preview.valid.length) return
    const ctrl = (abort.current = new AbortController())
    const ids = preview.valid.map((c) => c.value)
    try {
      const r = await createCustomersBatch(ids, ctrl.signal, setProgress)
      setSummary({ ...r, rejected: [...preview.invalid, ...r.invalid.map((x) => ({ line: 0, value: x.id, reason: x.reason }))], duplicates: preview.duplicates.length })
      toast(r.cancelled ? info(`Import cancelled: ${formatCount(r.created.length)} created before it stopped.`)
        : ok(`Imported: ${formatCount(r.created.length)} created, ${formatCount(r.existing.length)} already existed.`))
      if (!r.cancelled) setText('')
    } catch (e) {
      toast(failure(e))
    } finally {
      setProgress(null)
      void qc.invalidateQueries({ queryKey: customerKeys.all })
    }
  }

  return (
    <div className="grid gap-3">
      <div>
        <label className="label" htmlFor="import-text">Paste IDs (one per line, or a CSV)</label>
        <textarea id="import-text" rows={6} className="field font-mono" value={text} spellCheck={false}
          onChange={(e) => (setText(e.target.value), setSummary(null))} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label className="btn">
          Choose a file (.txt, .csv)
          <input type="file" accept=".txt,.csv,text/plain,text/csv" className="sr-only" onChange={load} />
        </label>
        {csv && (
          <>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={header} onChange={(e) => setChoice({ ...choice, header: e.target.checked })} />
              First row is a header
            </label>
            <label className="flex items-center gap-2 text-sm">
              Column with the IDs
              <select className="field w-auto" value={column} onChange={(e) => setChoice({ ...choice, column: Number(e.target.value) })}>
                {csv.columns.map((name, i) => <option key={i} value={i}>{header ? name : `Column ${i + 1}`}</option>)}
              </select>
            </label>
          </>
        )}
      </div>
      {summary ? <ImportResult summary={summary} /> : settled && <ImportPreviewView preview={preview} />}
      {progress && (
        <div className="grid gap-1">
          <label htmlFor="import-progress" className="text-sm">
            Sending {formatCount(progress.sent)} of {formatCount(progress.total)} (request {progress.chunk} of {progress.chunks})
          </label>
          <progress id="import-progress" className="w-full" max={progress.total} value={progress.sent} />
        </div>
      )}
      <div className="flex justify-end gap-2">
        {progress ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>Cancel import</button>
        ) : (
          <button type="button" className="btn btn-primary" aria-disabled={!preview.valid.length} onClick={() => void send()}>
            Import {formatCount(preview.valid.length)} IDs
          </button>
        )}
      </div>
    </div>
  )
}
