import { useQueryClient } from '@tanstack/react-query'
import { type DragEvent, useMemo, useState } from 'react'
import { ImportOptions } from '@/features/customers/components/import-options'
import { ImportPreviewView } from '@/features/customers/components/import-preview'
import { startImport } from '@/features/customers/import/import-job'
import { cellsOf, type Choice, parseImport, previewImport, rejectedRows } from '@/features/customers/import/parse-import'
import { formatCount } from '@/lib/format'
import { useDebounced } from '@/lib/use-debounced'

/** Paste, drop or choose a file; see what will happen to every row; then import the valid IDs. */
export function ImportInput({ onDeleteFile }: { onDeleteFile?: (ids: string[]) => void }) {
  const [text, setText] = useState('')
  const [fileName, setFileName] = useState<string | null>(null)
  const [choice, setChoice] = useState<Choice>({})
  const [dragging, setDragging] = useState(false)
  const qc = useQueryClient()
  const settled = useDebounced(text, 150)
  const file = useMemo(() => parseImport(settled, choice), [settled, choice])
  const preview = useMemo(() => previewImport(cellsOf(file)), [file])
  const ids = preview.valid.map((c) => c.value)

  const load = async (f: File | undefined) => {
    if (!f) return
    setText(await f.text())
    setFileName(f.name)
    setChoice({})
  }
  const drop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    void load(e.dataTransfer.files[0])
  }
  const send = () => ids.length > 0 && startImport(qc, ids, rejectedRows(preview), preview.rows)

  return (
    <div className="grid gap-3">
      <div onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={drop}
        className={`drop-zone ${dragging ? 'drop-zone-active' : ''}`} data-testid="drop-zone">
        <label className="label" htmlFor="import-text">Paste IDs, cells from a spreadsheet, or a CSV; or drop a file here</label>
        <textarea id="import-text" rows={6} className="field font-mono" value={text} spellCheck={false}
          onChange={(e) => (setText(e.target.value), setFileName(null))} />
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <label className="btn">
            Choose a file (.txt, .csv, .tsv)
            <input type="file" accept=".txt,.csv,.tsv,text/plain,text/csv,text/tab-separated-values" className="sr-only"
              onChange={(e) => void load(e.target.files?.[0])} />
          </label>
          {fileName && <span className="muted wrap-anywhere">{fileName}</span>}
        </div>
      </div>
      {settled && <ImportOptions file={file} onChange={(patch) => setChoice({ ...choice, ...patch })} />}
      {settled && <ImportPreviewView file={file} preview={preview} />}
      <div className="flex flex-wrap justify-end gap-2">
        {onDeleteFile && (
          <button type="button" className="btn" aria-disabled={!ids.length} onClick={() => ids.length > 0 && onDeleteFile(ids)}>
            Delete the IDs in this file…
          </button>
        )}
        <button type="button" className="btn btn-primary" aria-disabled={!ids.length} onClick={send}>
          Import {formatCount(ids.length)} IDs
        </button>
      </div>
    </div>
  )
}
