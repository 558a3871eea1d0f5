import { useState } from 'react'
import { useCustomers } from '@/features/customers/api/list-customers'
import { formatTime } from '@/lib/format'
import { failure } from '@/lib/outcome'
import { useDebounced } from '@/lib/use-debounced'

type Trail = { prefix: string; cursors: (string | undefined)[] }

/** Browse: IDs in order, a page at a time (Next follows the API's cursor), filtered by prefix. */
export function CustomerList() {
  const [search, setSearch] = useState('')
  const prefix = useDebounced(search)
  // The cursor of every page opened so far under this prefix; the last is the page on screen.
  const [trail, setTrail] = useState<Trail>({ prefix, cursors: [undefined] })
  const cursors = trail.prefix === prefix ? trail.cursors : [undefined]
  const q = useCustomers(prefix, cursors.at(-1))
  const items = q.data?.items ?? []
  const next = q.data?.nextCursor
  const status = q.isPending
    ? 'Loading customer IDs…'
    : q.isError
      ? failure(q.error).text
      : items.length === 0
        ? prefix
          ? `No customer IDs start with “${prefix}”.`
          : 'No customer IDs yet: add one, or bulk add a list.'
        : `Page ${cursors.length}: ${items.length} customer ID${items.length === 1 ? '' : 's'}${next ? '' : ', the last'}.`

  return (
    <section aria-labelledby="list-h" className="card self-start">
      <h2 id="list-h">Customer IDs</h2>
      <label className="label" htmlFor="prefix">
        Search by prefix
      </label>
      <input
        id="prefix"
        type="search"
        className="field font-mono"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <p role="status" aria-label="List status" className={`mt-2 text-sm ${q.isError ? 'tone-error' : 'muted'}`}>
        {status}
      </p>
      {items.length > 0 && (
        <table className="mt-2 w-full text-sm" aria-busy={q.isPlaceholderData}>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td className="font-mono break-all">{c.id}</td>
                <td>
                  <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
                </td>
                <td>{c.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button
          type="button"
          className="btn"
          disabled={cursors.length < 2}
          onClick={() => setTrail({ prefix, cursors: cursors.slice(0, -1) })}
        >
          Previous page
        </button>
        <button
          type="button"
          className="btn"
          disabled={!next || q.isPlaceholderData}
          onClick={() => setTrail({ prefix, cursors: [...cursors, next!] })}
        >
          Next page
        </button>
      </div>
    </section>
  )
}
