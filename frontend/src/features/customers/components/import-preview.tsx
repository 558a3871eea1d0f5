import type { ImportPreview, Rejected } from '@/features/customers/import/parse-import'
import { formatCount } from '@/lib/format'

const SHOWN = 20

/** Before anything is sent: what will be imported, what will be rejected and why, what repeats. */
export function ImportPreviewView({ preview }: { preview: ImportPreview }) {
  const { valid, invalid, duplicates } = preview
  return (
    <section aria-label="Preview" className="grid gap-2 text-sm">
      <p>
        <strong>{formatCount(valid.length)}</strong> valid, <strong>{formatCount(invalid.length)}</strong> invalid,{' '}
        <strong>{formatCount(duplicates.length)}</strong> repeated in the file (sent once).
      </p>
      {invalid.length > 0 && <RejectedList rows={invalid} label="Invalid lines" />}
    </section>
  )
}

export function RejectedList({ rows, label }: { rows: Rejected[]; label: string }) {
  return (
    <>
      <ul aria-label={label} className="max-h-40 overflow-y-auto rounded border border-line p-2">
        {rows.slice(0, SHOWN).map((r, i) => (
          <li key={i} className="wrap-anywhere">
            {r.line > 0 ? `Line ${r.line}: ` : ''}<code>“{r.value}”</code> {r.reason}
          </li>
        ))}
      </ul>
      {rows.length > SHOWN && <p className="muted">…and {formatCount(rows.length - SHOWN)} more in the report.</p>}
    </>
  )
}
