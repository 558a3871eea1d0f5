// Toasts: a small module store and the region that shows them. Screen readers hear each outcome
// from the status line next to the form, so this region is not live (no double announcement).
import { useSyncExternalStore } from 'react'
import type { Outcome } from '@/lib/outcome'

type Toast = Outcome & { key: number }

let toasts: Toast[] = []
let nextKey = 0
const listeners = new Set<() => void>()
const emit = (next: Toast[]) => {
  toasts = next
  listeners.forEach((l) => l())
}

export function dismiss(key: number) {
  emit(toasts.filter((t) => t.key !== key))
}

export function toast(o: Outcome, ms = 6000) {
  const key = nextKey++
  emit([...toasts.slice(-3), { ...o, key }])
  setTimeout(() => dismiss(key), ms)
}

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => toasts)
  return (
    <section aria-label="Notifications" className="fixed right-3 bottom-3 left-3 z-10 ml-auto grid max-w-80 gap-2">
      {list.map((t) => (
        <div key={t.key} className={`card flex items-start gap-2 border-edge tone-${t.tone}`}>
          <p className="flex-1">{t.text}</p>
          <button type="button" className="btn" aria-label="Dismiss notification" onClick={() => dismiss(t.key)}>
            ×
          </button>
        </div>
      ))}
    </section>
  )
}
