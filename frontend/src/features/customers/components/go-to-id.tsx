import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { customerQuery } from '@/features/customers/api/get-customer'
import { ApiError } from '@/lib/api-client'
import { idProblem } from '@/lib/customer-id'
import { failure } from '@/lib/outcome'

/** Opens one exact ID in the list (read fresh from the API), or says it does not exist. */
export function GoToId({ onFound }: { onFound: (id: string) => void }) {
  const [text, setText] = useState('')
  const [note, setNote] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const qc = useQueryClient()

  const go = async (e: FormEvent) => {
    e.preventDefault()
    const id = text.trim()
    const problem = id ? idProblem(id) : 'Enter an ID.'
    if (problem) return setNote(problem)
    if (busy) return
    setBusy(true)
    try {
      await qc.fetchQuery({ ...customerQuery(id), staleTime: 0 })
      setNote(null)
      setText('')
      onFound(id)
    } catch (err) {
      setNote(err instanceof ApiError && err.code === 'not_found' ? `No customer ID “${id}” exists (IDs are case-sensitive).` : failure(err, id).text)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(e) => void go(e)} noValidate className="min-w-0 flex-1 basis-48">
      <label className="label" htmlFor="go-to-id">Go to ID</label>
      <div className="flex gap-2">
        <input id="go-to-id" className="field font-mono" value={text} autoComplete="off" spellCheck={false}
          aria-invalid={!!note} aria-describedby="go-to-id-help" onChange={(e) => (setText(e.target.value), setNote(null))} />
        <button type="submit" className="btn" aria-disabled={busy}>Go</button>
      </div>
      <p id="go-to-id-help" role="status" className={note ? 'text-sm tone-error' : 'muted'}>{note ?? 'The exact ID, whole.'}</p>
    </form>
  )
}
