// One message per outcome. The newest replaces the last (they never stack), and the region sits in
// the page's flow under the header, so it never covers what a person is working on, on a phone too.
// The region is a polite live region: screen readers hear each message once.
import { useEffect, useRef, useSyncExternalStore } from 'react'
import { CloseIcon } from '@/components/ui/icons'
import type { Outcome } from '@/lib/outcome'

type Toast = Outcome & { key: number }

let current: Toast | null = null
let nextKey = 0
const listeners = new Set<() => void>()
const emit = (next: Toast | null) => {
  current = next
  listeners.forEach((l) => l())
}

export function toast(o: Outcome): void {
  emit({ ...o, key: nextKey++ })
}

export const dismissToast = () => emit(null)

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

const LINGER_MS = { ok: 6000, info: 8000, error: 12000 }

/** `onFocusAway`: where focus goes when the toast it sat in goes away (never to <body>). */
export function Toaster({ onFocusAway }: { onFocusAway: () => void }) {
  const t = useSyncExternalStore(subscribe, () => current)
  const ref = useRef<HTMLDivElement>(null)
  const close = () => {
    const hadFocus = ref.current?.contains(document.activeElement)
    dismissToast()
    if (hadFocus) onFocusAway()
  }
  useEffect(() => {
    if (!t) return
    // Wait while the pointer or focus is on it (WCAG 2.2.1): it goes once they leave.
    const timer = setInterval(() => {
      if (!ref.current?.matches(':hover, :focus-within')) close()
    }, LINGER_MS[t.tone])
    return () => clearInterval(timer)
  })
  return (
    <div ref={ref} role="status" aria-label="Notifications" className="toaster">
      {t && (
        <div key={t.key} className={`toast toast-${t.tone}`}>
          <p className="min-w-0 flex-1">{t.text}</p>
          <button type="button" className="btn-icon" aria-label="Dismiss notification" onClick={close}>
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  )
}
