import type { BatchResult } from '@/features/customers/api/create-customers-batch'
import { RejectedList } from '@/features/customers/components/import-preview'
import { type Rejected, rejectedCsv } from '@/features/customers/import/parse-import'
import { downloadText } from '@/lib/download'
import { formatCount } from '@/lib/format'

export type ImportSummary = BatchResult & { cancelled: boolean; unsent: number; rejected: Rejected[]; duplicates: number }

/** After the import: counts, the rejected lines, and a report of them to download. */
export function ImportResult({ summary: s }: { summary: ImportSummary }) {
  return (
    <section aria-label="Import result" className="grid gap-2 text-sm">
      <p>
        {s.cancelled ? 'Cancelled. ' : 'Done. '}
        <strong>{formatCount(s.created.length)}</strong> created, <strong>{formatCount(s.existing.length)}</strong> already
        existed, <strong>{formatCount(s.rejected.length)}</strong> rejected
        {s.unsent > 0 && <>, <strong>{formatCount(s.unsent)}</strong> not sent</>}.
      </p>
      {s.rejected.length > 0 && (
        <>
          <RejectedList rows={s.rejected} label="Rejected lines" />
          <div>
            <button type="button" className="btn" onClick={() => downloadText('rejected-lines.csv', rejectedCsv(s.rejected))}>
              Download report of rejected lines
            </button>
          </div>
        </>
      )}
    </section>
  )
}
