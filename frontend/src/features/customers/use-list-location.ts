// The list's search, page size and page live in the address bar, so reload and share keep them, and
// Back and Forward walk the pages a person visited (a page change is a history entry; typing in the
// search replaces the current one, so Back does not replay every keystroke).
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

function write(next: ListLocation, push: boolean) {
  const p = new URLSearchParams(location.search)
  const set = (k: string, v: string, dflt: string) => (v === dflt ? p.delete(k) : p.set(k, v))
  set('q', next.q, '')
  set('size', String(next.size), String(PAGE_SIZES[0]))
  set('page', String(next.page), '1')
  const search = p.toString()
  const url = `${location.pathname}${search && `?${search}`}${location.hash}`
  if (url === `${location.pathname}${location.search}${location.hash}`) return
  if (push) history.pushState(history.state, '', url)
  else history.replaceState(history.state, '', url)
  rereadListLocation()
}

if (typeof window !== 'undefined') addEventListener('popstate', () => rereadListLocation())

/** Changes the list's place from anywhere (a link in the import summary); `push` adds a history entry. */
export const setListLocation = (patch: Partial<ListLocation>, push = true) => write({ ...snapshot, ...patch }, push)

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

export function useListLocation() {
  const loc = useSyncExternalStore(subscribe, () => snapshot)
  const update = useCallback((patch: Partial<ListLocation>, push = false) => write({ ...snapshot, ...patch }, push), [])
  return [loc, update] as const
}

/** Re-reads the address bar (tests change it between renders). */
export function rereadListLocation() {
  snapshot = read()
  listeners.forEach((l) => l())
}
