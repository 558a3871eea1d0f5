// A native modal <dialog>: the browser moves focus into it, traps Tab, closes on Escape and makes the
// page behind it inert. `onClose` runs however it closes.
import { type ReactNode, useEffect, useId, useRef } from 'react'

type Props = { open: boolean; title: string; onClose: () => void; children: ReactNode; wide?: boolean }

export function Dialog({ open, title, onClose, children, wide = false }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const d = ref.current
    if (open && !d?.open) d?.showModal()
    if (!open && d?.open) d.close()
  }, [open])
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className={`dialog ${wide ? 'max-w-2xl' : 'max-w-md'}`}>
      {open && (
        <>
          <div className="mb-3 flex items-start justify-between gap-2">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
              <span aria-hidden="true">✕</span>
            </button>
          </div>
          {children}
        </>
      )}
    </dialog>
  )
}
