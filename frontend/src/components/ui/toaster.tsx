// One message per outcome. The newest replaces the last (they never stack). The region floats over
// the bottom of the page: it never pushes the list down or pulls it back up, and the page keeps room
// below its end so the last controls can be scrolled clear of it. A polite live region: screen
// readers hear each message once. A message may carry one action (Undo), and then stays longer.
import { useEffect, useRef, useSyncExternalStore } from 'react'
import type { Outcome } from '@/lib/outcome'

export type ToastAction = { label: string; run: () => void }
type Toast = Outcome & { key: number; action?: ToastAction }

let current: Toast | null = null
let nextKey = 0
const listeners = new Set<() => void>()
const emit = (next: Toast | null) => {
  current = next
  listeners.forEach((l) => l())
}

export function toast(o: Outcome, action?: ToastAction): void {
  emit({ ...o, key: nextKey++, action })
}

export const dismissToast = () => emit(null)

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

const LINGER_MS = { ok: 6000, info: 8000, error: 12000 }
const ACTION_LINGER_MS = 12000

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
    }, t.action ? ACTION_LINGER_MS : LINGER_MS[t.tone])
    return () => clearInterval(timer)
  })
  return (
    <div ref={ref} role="status" aria-label="Notifications" className="toaster" data-overlay>
      {t && (
        <div key={t.key} className={`toast toast-${t.tone}`}>
          <p className="min-w-0 flex-1">{t.text}</p>
          {t.action && (
            <button type="button" className="btn" onClick={() => (t.action!.run(), close())}>{t.action.label}</button>
          )}
          <button type="button" className="btn-icon icon-close" aria-label="Dismiss notification" onClick={close} />
        </div>
      )}
    </div>
  )
}
