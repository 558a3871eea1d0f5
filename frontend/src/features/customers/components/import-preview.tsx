import { type ImportPreview, type ParsedFile, type Rejected, rejectedRows } from '@/features/customers/import/parse-import'
import { formatCount } from '@/lib/format'

const SHOWN = 20
const TABLE_ROWS = 5

/** Before anything is sent: every row counted, the first rows as a table, the rejected ones and why. */
export function ImportPreviewView({ file, preview: p }: { file: ParsedFile; preview: ImportPreview }) {
  return (
    <section aria-label="Preview" className="grid gap-2 text-sm">
      <p>
        <strong>{formatCount(p.rows)}</strong> rows{file.header && ' (after the header)'}:{' '}
        <strong>{formatCount(p.valid.length)}</strong> valid, <strong>{formatCount(p.invalid.length)}</strong> invalid,{' '}
        <strong>{formatCount(p.duplicates.length)}</strong> repeated (sent once), <strong>{formatCount(p.empty.length)}</strong> empty.
      </p>
      <FirstRows file={file} />
      {p.rows > p.valid.length && <RejectedList rows={rejectedRows(p)} label="Rows not imported" />}
    </section>
  )
}

/** The file's first rows as read, the ID column marked: a wrong separator or column shows at once. */
function FirstRows({ file }: { file: ParsedFile }) {
  const head = file.header ? file.rows[0] : undefined
  const body = file.rows.slice(file.header ? 1 : 0, (file.header ? 1 : 0) + TABLE_ROWS)
  const mark = (i: number) => (i === file.column ? 'preview-id-col' : undefined)
  return (
    // Focusable: a keyboard can scroll a wide file's columns into view.
    <div className="max-w-full overflow-x-auto" tabIndex={0}>
      <table className="preview-table" aria-label="First rows of the file">
        <thead>
          <tr>
            <th scope="col">Line</th>
            {file.columns.map((name, i) => (
              <th key={i} scope="col" className={mark(i)}>
                {head ? name : `Column ${i + 1}`}{i === file.column && <span className="font-normal"> (IDs)</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              {file.columns.map((_, i) => <td key={i} className={mark(i)}>{r.cells[i] ?? ''}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function RejectedList({ rows, label }: { rows: Rejected[]; label: string }) {
  return (
    <>
      <ul aria-label={label} className="max-h-40 overflow-y-auto rounded border border-line p-2" tabIndex={0}>
        {rows.slice(0, SHOWN).map((r, i) => (
          <li key={i} className="wrap-anywhere">
            {r.line > 0 ? `Line ${r.line}: ` : ''}{r.value && <code>“{r.value}” </code>}{r.reason}
          </li>
        ))}
      </ul>
      {rows.length > SHOWN && <p className="muted">…and {formatCount(rows.length - SHOWN)} more in the report.</p>}
    </>
  )
}
