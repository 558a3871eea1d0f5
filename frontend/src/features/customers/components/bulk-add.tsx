import { type ChangeEvent, type FormEvent, useState } from 'react'
import { StatusLine, useOutcome } from '@/components/ui/status-line'
import { type BatchResult, useCreateCustomersBatch } from '@/features/customers/api/create-customers-batch'
import { parseIdList } from '@/features/customers/parse-id-list'
import { failure, info, ok } from '@/lib/outcome'

type Done = { result: BatchResult; lineOf: Map<string, number> }

/** Paste or upload a list/CSV of IDs; the status line counts created / existing / invalid, and
 *  the invalid ones are listed with their line numbers. */
export function BulkAdd() {
  const [text, setText] = useState('')
  const [done, setDone] = useState<Done | null>(null)
  const [outcome, report] = useOutcome()
  const batch = useCreateCustomersBatch()

  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    if (file) setText(await file.text())
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const { ids, lineOf } = parseIdList(text)
    if (!ids.length) return report(info('Nothing to add: paste or upload some IDs first.'))
    batch.mutate(ids, {
      onSuccess: (result) => {
        setDone({ result, lineOf })
        const { created, existing, invalid } = result
        const text = `Bulk add: ${created.length} created, ${existing.length} already existed, ${invalid.length} invalid.`
        report(invalid.length ? info(text) : ok(text))
      },
      onError: (err) => report(failure(err)),
    })
  }

  return (
    <section aria-labelledby="bulk-h" className="card">
      <h2 id="bulk-h">Bulk add</h2>
      <form onSubmit={submit}>
        <label className="label" htmlFor="bulk-ids">
          IDs to add, one per line or comma-separated
        </label>
        <textarea
          id="bulk-ids"
          rows={4}
          className="field font-mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
        <div className="row">
          <label className="btn">
            Upload a list or CSV file
            <input type="file" accept=".txt,.csv,text/plain,text/csv" className="sr-only" onChange={load} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={batch.isPending}>
            {batch.isPending ? 'Adding…' : 'Add all'}
          </button>
        </div>
      </form>
      <StatusLine outcome={outcome} label="Bulk add result" />
      {!!done?.result.invalid.length && (
        <ul aria-label="Invalid lines" className="text-sm">
          {done.result.invalid.map((x) => (
            <li key={x.id}>
              Line {done.lineOf.get(x.id) ?? '?'}: <code>“{x.id}”</code> {x.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
