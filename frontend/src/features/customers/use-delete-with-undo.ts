// A single delete is immediate, with Undo in its toast; the row leaves at once and focus moves to
// the row that took its place, so the next Delete is one more key press away.
import { useState } from 'react'
import { toast } from '@/components/ui/toaster'
import { useCreateCustomer, useDeleteCustomer } from '@/features/customers/api/customer-mutations'
import { ApiError } from '@/lib/api-client'
import { newIdempotencyKey } from '@/lib/idempotency'
import { failure, info, ok } from '@/lib/outcome'

const focusRow = (id: string | undefined) =>
  requestAnimationFrame(() => {
    const row = id && document.querySelector<HTMLElement>(`tr[data-row-id="${CSS.escape(id)}"]`)
    ;(row || document.getElementById('list-h'))?.focus()
  })

/** `removed`: IDs deleted here and not restored, hidden before the list is read again.
 *  `onRestored`: the ID Undo created again (to highlight it). */
export function useDeleteWithUndo(onRestored: (id: string) => void) {
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set())
  const remove = useDeleteCustomer()
  const create = useCreateCustomer()
  const hide = (id: string, on: boolean) =>
    setRemoved((s) => {
      const next = new Set(s)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  const undo = (id: string) =>
    create.mutate({ id, key: newIdempotencyKey() }, {
      onSuccess: () => {
        hide(id, false)
        onRestored(id)
        toast(ok(`Restored “${id}” (new creation time).`))
      },
      onError: (e) =>
        toast(e instanceof ApiError && e.code === 'already_exists'
          ? info(`Could not undo: “${id}” was created again meanwhile.`)
          : failure(e, id)),
    })

  /** `ids`: the rows in view, in order, to find the one that takes the deleted row's place. */
  const deleteNow = (id: string, ids: string[]) => {
    const at = ids.indexOf(id)
    hide(id, true)
    focusRow(ids[at + 1] ?? ids[at - 1])
    remove.mutate({ id, key: newIdempotencyKey() }, {
      onSuccess: () => toast(ok(`Deleted “${id}”.`), { label: 'Undo', run: () => undo(id) }),
      onError: (e) => {
        const gone = e instanceof ApiError && e.code === 'not_found'
        if (!gone) hide(id, false)
        toast(gone ? info(`“${id}” was already deleted elsewhere.`) : failure(e, id))
      },
    })
  }
  return { removed, deleteNow }
}
