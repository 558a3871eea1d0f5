import { type FormEvent, useState } from 'react'
import { toast } from '@/components/ui/toaster'
import { useCreateCustomer } from '@/features/customers/api/customer-mutations'
import { ApiError } from '@/lib/api-client'
import { idProblem } from '@/lib/customer-id'
import { newIdempotencyKey } from '@/lib/idempotency'
import { failure, ok } from '@/lib/outcome'

/** Add one ID from the list's header: Enter submits, the field clears and keeps focus for the next.
 *  What was pasted is trimmed (as an import trims its cells): the API would refuse the spaces.
 *  `onAdded(id, existed)`: the ID to highlight in the list, and whether it was there before. */
export function AddCustomerForm({ onAdded }: { onAdded: (id: string, existed: boolean) => void }) {
  const [text, setId] = useState('')
  const id = text.trim()
  const [tried, setTried] = useState(false)
  const create = useCreateCustomer()
  const problem = idProblem(id)
  const shown = (tried || text !== '') && problem

  const add = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (problem || create.isPending) return
    create.mutate({ id, key: newIdempotencyKey() }, {
      onSuccess: (c) => {
        toast(ok(`Added “${c.id}”.`))
        setId('')
        setTried(false)
        onAdded(c.id, false)
      },
      onError: (err) => {
        toast(failure(err, id))
        if (err instanceof ApiError && err.code === 'already_exists') onAdded(id, true) // show where it is
      },
    })
  }

  return (
    <form onSubmit={add} noValidate className="w-full min-w-0 sm:w-auto sm:max-w-md sm:flex-1">
      <label className="label" htmlFor="new-id">New customer ID</label>
      <div className="flex gap-2">
        <input id="new-id" className="field font-mono" value={text} onChange={(e) => setId(e.target.value)}
          aria-invalid={!!shown} aria-describedby="new-id-help" autoComplete="off" spellCheck={false} />
        <button type="submit" className="btn btn-primary" aria-disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add'}
        </button>
      </div>
      <p id="new-id-help" className={shown ? 'text-sm tone-error' : 'muted'}>
        {shown || '3–64 letters, digits, “_” or “-”. Case-sensitive.'}
      </p>
    </form>
  )
}
