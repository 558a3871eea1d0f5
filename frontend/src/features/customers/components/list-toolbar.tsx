import { useEffect, useRef, useState } from 'react'
import { PAGE_SIZES } from '@/features/customers/api/list-customers'
import { searchPrefix } from '@/features/customers/list-summary'
import type { ListLocation } from '@/features/customers/use-list-location'
import { useDebounced } from '@/lib/use-debounced'

type Props = { loc: ListLocation; onChange: (patch: Partial<ListLocation>) => void }

/** Prefix search (`/` focuses it; trimmed; case-sensitive, and it says so) and page size. */
export function ListToolbar({ loc, onChange }: Props) {
  const [text, setText] = useState(loc.q)
  const settled = useDebounced(text)
  const search = useRef<HTMLInputElement>(null)
  const change = useRef(onChange)
  change.current = onChange
  const parsed = searchPrefix(settled)

  // The last search this field set: a different one came from elsewhere (Back, a link, Go to ID).
  const mine = useRef(loc.q)
  useEffect(() => {
    if (parsed.prefix === null || parsed.prefix === loc.q) return
    mine.current = parsed.prefix
    change.current({ q: parsed.prefix })
  }, [settled]) // eslint-disable-line react-hooks/exhaustive-deps -- only when the typing settles
  useEffect(() => {
    if (loc.q === mine.current) return
    mine.current = loc.q
    setText(loc.q)
  }, [loc.q])
  useEffect(() => {
    const slash = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || t.closest('input, textarea, select, [contenteditable], dialog')) return
      e.preventDefault()
      search.current?.focus()
    }
    document.addEventListener('keydown', slash)
    return () => document.removeEventListener('keydown', slash)
  }, [])

  return (
    <div role="search" className="flex flex-wrap items-start gap-3">
      <div className="min-w-0 flex-1 basis-48">
        <label className="label" htmlFor="search">Search by prefix <kbd className="kbd" aria-hidden="true">/</kbd></label>
        <input id="search" ref={search} type="search" className="field font-mono" value={text} aria-invalid={!!parsed.problem}
          aria-describedby="search-help" aria-keyshortcuts="/" autoComplete="off" spellCheck={false} onChange={(e) => setText(e.target.value)} />
        <p id="search-help" className={parsed.problem ? 'text-sm tone-error' : 'muted'}>
          {parsed.problem ?? 'Case-sensitive: “BULK” does not find “bulk-1”.'}
        </p>
      </div>
      <div>
        <label className="label" htmlFor="page-size">Rows per page</label>
        <select id="page-size" className="field w-auto" value={loc.size} onChange={(e) => onChange({ size: Number(e.target.value) })}>
          {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </div>
    </div>
  )
}
