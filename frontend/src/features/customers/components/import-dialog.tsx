import { lazy, Suspense } from 'react'
import { Dialog } from '@/components/ui/dialog'

// The form (CSV parser, preview, chunked upload) loads when the dialog first opens: it is not
// part of the first page load.
const ImportForm = lazy(() => import('@/features/customers/components/import-form'))

type Props = { open: boolean; onClose: () => void }

export function ImportDialog({ open, onClose }: Props) {
  return (
    <Dialog open={open} title="Import customer IDs" onClose={onClose} wide>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <ImportForm />
      </Suspense>
    </Dialog>
  )
}
