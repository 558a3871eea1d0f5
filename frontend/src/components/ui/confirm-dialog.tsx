import { Dialog } from '@/components/ui/dialog'

type Props = { open: boolean; title: string; body: string; confirmLabel: string; onConfirm: () => void; onClose: () => void }

/** Asks before something that cannot be undone; Cancel has the focus, so Enter is safe. */
export function ConfirmDialog({ open, title, body, confirmLabel, onConfirm, onClose }: Props) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <p className="mb-4">{body}</p>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
