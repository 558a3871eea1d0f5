// A native modal <dialog>: the browser moves focus into it, traps Tab, closes on Escape and makes the
// page behind it inert. `onClose` runs when the person closes it (Escape, the Close button); not when
// `open` turned false (the native close event of that would arrive after, and undo, what came next).
import { type ReactNode, useId, useLayoutEffect, useRef } from 'react'

type Props = {
  open: boolean
  title: string
  onClose: () => void
  children: ReactNode
  wide?: boolean
  /** Asked before Escape or the Close button closes it: false keeps it open (the dialog asks first). */
  mayClose?: () => boolean
  /** false: no Close button, and Escape does nothing (sign-in: the page behind needs it done). */
  closable?: boolean
}

export function Dialog({ open, title, onClose, children, wide = false, mayClose = () => true, closable = true }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const isOpen = useRef(open)
  // A layout effect: a dialog open from the start (the settings on a first visit) shows in the first
  // frame painted, not one frame after the page behind it (it was the page's largest paint, late).
  useLayoutEffect(() => {
    isOpen.current = open
    const d = ref.current
    if (open && !d?.open) {
      d?.showModal()
      // showModal focuses the first control (Close); a dialog can name a safer one instead.
      d?.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    }
    if (!open && d?.open) {
      d.close()
      // The browser returns focus to what opened the dialog; a dialog that opened by itself, or
      // whose opener is gone, would leave it on <body>: the page's focus fallback takes it then.
      requestAnimationFrame(() => {
        if (document.activeElement === document.body || !document.activeElement)
          document.querySelector<HTMLElement>('[data-focus-fallback]')?.focus()
      })
    }
  }, [open])
  // Chromium closes a modal anyway on a second Escape whose cancel was refused: one that may not
  // close opens again.
  const reopen = () => ref.current?.showModal()
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={() => isOpen.current && (closable ? onClose() : reopen())}
      onCancel={(e) => (closable && mayClose()) || e.preventDefault()} className={`dialog ${wide ? 'max-w-2xl' : 'max-w-md'}`}>
      {open && (
        <>
          <div className="mb-3 flex items-start justify-between gap-2">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            {closable && <button type="button" className="btn-icon icon-close" aria-label="Close" onClick={() => mayClose() && onClose()} />}
          </div>
          {children}
        </>
      )}
    </dialog>
  )
}
