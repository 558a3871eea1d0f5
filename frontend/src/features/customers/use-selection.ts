import { useCallback, useMemo, useRef, useState } from 'react'

/** The rows ticked on the page in view (`ids`, in order); cleared when `scope` (search, size, page)
 *  changes. Shift ticks the range from the last row toggled, as in a file manager. */
export function useSelection(ids: string[], scope: string) {
  const [state, setState] = useState<{ scope: string; ids: ReadonlySet<string> }>({ scope, ids: new Set() })
  const anchor = useRef<string | null>(null)
  const key = ids.join('\n')
  const selected = useMemo(() => {
    const visible = new Set(key.split('\n'))
    return new Set(state.scope === scope ? [...state.ids].filter((id) => visible.has(id)) : [])
  }, [state, scope, key])

  const toggle = (id: string | null, on: boolean, range: boolean) => {
    const next = new Set(selected)
    const from = range && anchor.current ? ids.indexOf(anchor.current) : -1
    const to = id === null ? -1 : ids.indexOf(id)
    const span = id === null ? ids : from >= 0 && to >= 0 ? ids.slice(Math.min(from, to), Math.max(from, to) + 1) : [id]
    span.forEach((x) => (on ? next.add(x) : next.delete(x)))
    anchor.current = id
    setState({ scope, ids: next })
  }
  const clear = useCallback(() => setState({ scope, ids: new Set() }), [scope])
  return { ids: selected, size: selected.size, has: (id: string) => selected.has(id), toggle, clear }
}
