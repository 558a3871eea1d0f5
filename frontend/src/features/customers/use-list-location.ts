// The list's search, page size and page live in the address bar, so reload and share keep them.
import { useCallback, useSyncExternalStore } from 'react'
import { PAGE_SIZES } from '@/features/customers/api/list-customers'

export type ListLocation = { q: string; size: number; page: number }

const listeners = new Set<() => void>()
let snapshot = read()

function read(): ListLocation {
  const p = new URLSearchParams(location.search)
  const size = Number(p.get('size'))
  const page = Math.floor(Number(p.get('page')))
  return {
    q: p.get('q') ?? '',
    size: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0]!,
    page: page >= 1 ? page : 1,
  }
}

function write(next: ListLocation) {
  const p = new URLSearchParams(location.search)
  const set = (k: string, v: string, dflt: string) => (v === dflt ? p.delete(k) : p.set(k, v))
  set('q', next.q, '')
  set('size', String(next.size), String(PAGE_SIZES[0]))
  set('page', String(next.page), '1')
  const search = p.toString()
  history.replaceState(history.state, '', `${location.pathname}${search && `?${search}`}${location.hash}`)
  snapshot = read()
  listeners.forEach((l) => l())
}

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

export function useListLocation() {
  const loc = useSyncExternalStore(subscribe, () => snapshot)
  const update = useCallback((patch: Partial<ListLocation>) => write({ ...snapshot, ...patch }), [])
  return [loc, update] as const
}

/** Re-reads the address bar (tests change it between renders). */
export function rereadListLocation() {
  snapshot = read()
  listeners.forEach((l) => l())
}
