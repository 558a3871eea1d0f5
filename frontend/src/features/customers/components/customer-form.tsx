import { type FormEvent, useState } from 'react'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { StatusLine, useOutcome } from '@/components/ui/status-line'
import { useCheckCustomer } from '@/features/customers/api/get-customer'
import { useCreateCustomer } from '@/features/customers/api/create-customer'
import { useDeleteCustomer } from '@/features/customers/api/delete-customer'
import { idProblem } from '@/lib/customer-id'
import { formatTime } from '@/lib/format'
import { failure, ok } from '@/lib/outcome'

/** Add (PUT), check (GET) and delete (DELETE, after a confirmation) one customer ID. */
export function CustomerForm() {
  const [id, setId] = useState('')
  const [touched, setTouched] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [outcome, report] = useOutcome()
  const create = useCreateCustomer()
  const check = useCheckCustomer()
  const remove = useDeleteCustomer()
  const problem = idProblem(id)
  const shownProblem = (touched || id !== '') && problem
  const busy = create.isPending || check.isPending || remove.isPending

  /** Runs `action` only for a valid ID; otherwise says why, without calling the API. */
  const valid = (action: (id: string) => void) => {
    setTouched(true)
    if (problem) report({ tone: 'error', text: `Invalid ID${id && ` “${id}”`}: ${problem}` })
    else action(id)
  }

  const add = (e: FormEvent) => {
    e.preventDefault()
    valid((v) =>
      create.mutate(v, {
        onSuccess: (c) => report(ok(`Created: customer ID “${c.id}”.`)),
        onError: (err) => report(failure(err, v)),
      }),
    )
  }
  const checkId = () =>
    valid((v) =>
      check.mutate(v, {
        onSuccess: (c) => report(ok(`Exists: “${c.id}”, created ${formatTime(c.createdAt)} by ${c.source}.`)),
        onError: (err) => report(failure(err, v)),
      }),
    )
  const deleteId = () =>
    remove.mutate(id, {
      onSuccess: () => report(ok(`Deleted: customer ID “${id}”.`)),
      onError: (err) => report(failure(err, id)),
    })

  return (
    <section aria-labelledby="one-h" className="card">
      <h2 id="one-h">One customer ID</h2>
      <form onSubmit={add} noValidate>
        <label className="label" htmlFor="cid">
          Customer ID
        </label>
        <input
          id="cid"
          className="field font-mono"
          value={id}
          onChange={(e) => setId(e.target.value)}
          aria-invalid={!!shownProblem}
          aria-describedby="cid-help"
          autoComplete="off"
          spellCheck={false}
        />
        <p id="cid-help" className={shownProblem ? 'text-sm tone-error' : 'muted'}>
          {shownProblem || '3–64 letters, digits, “_” or “-”. Case-sensitive.'}
        </p>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Add
          </button>
          <button type="button" className="btn" disabled={busy} onClick={checkId}>
            Check
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => valid(() => setConfirming(true))}>
            Delete…
          </button>
        </div>
      </form>
      <StatusLine outcome={outcome} label="Customer ID result" />
      <ConfirmDialog
        open={confirming}
        title={`Delete customer ID “${id}”? This cannot be undone.`}
        confirmLabel="Delete"
        onConfirm={deleteId}
        onClose={() => setConfirming(false)}
      />
    </section>
  )
}
