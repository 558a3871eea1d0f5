// A native modal <dialog>: focus moves into it, Escape cancels, focus returns afterwards.
import { useEffect, useRef } from 'react'

type Props = { open: boolean; title: string; confirmLabel: string; onConfirm: () => void; onClose: () => void }

export function ConfirmDialog({ open, title, confirmLabel, onConfirm, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (open && !d?.open) d?.showModal()
    if (!open && d?.open) d.close()
  }, [open])
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} className="card m-auto max-w-sm">
      <p className="mb-4 font-semibold">{title}</p>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" autoFocus onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => {
            onConfirm()
            onClose()
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
