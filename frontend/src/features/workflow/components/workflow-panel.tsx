import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { toast } from '@/components/ui/toaster'
import { workflowSupportQuery } from '@/features/workflow/api/get-workflow-support'
import { isMissingRoute } from '@/features/workflow/api/list-submissions'
import { useSubmitWorkflow } from '@/features/workflow/api/submit-workflow'
import { RecentSubmissions } from '@/features/workflow/components/recent-submissions'
import { SubmissionProgress } from '@/features/workflow/components/submission-progress'
import { idProblem } from '@/lib/customer-id'
import { newIdempotencyKey } from '@/lib/idempotency'
import { failure } from '@/lib/outcome'
import { may } from '@/lib/roles'
import { useSession } from '@/lib/session'

/** Submit an ID to the workflow (a role that may write), watch it reach its outcome, and see recent
 *  submissions. */
export function WorkflowPanel() {
  const canSubmit = may(useSession().role, 'write')
  const [id, setId] = useState('')
  const [tried, setTried] = useState(false)
  const [sid, setSid] = useState<string | null>(null)
  const submit = useSubmitWorkflow()
  const support = useQuery(workflowSupportQuery())
  const missing = support.data === false || isMissingRoute(submit.error)
  const problem = idProblem(id)
  const shown = (tried || id !== '') && problem

  const send = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (problem || submit.isPending) return
    submit.mutate({ id, key: newIdempotencyKey() }, {
      onSuccess: (a) => (setSid(a.submissionId), setId(''), setTried(false)),
      onError: (err) => toast(failure(err, id)),
    })
  }

  return (
    <section aria-labelledby="wf-h" className="card min-w-0">
      <h2 id="wf-h" className="mb-3 text-lg font-semibold">Workflow</h2>
      {missing ? (
        <p className="muted">This API has no workflow routes yet, so there is nothing to submit to.</p>
      ) : (
        <>
          {canSubmit && <form onSubmit={send} noValidate>
            <label className="label" htmlFor="wf-id">Customer ID to submit</label>
            <div className="flex gap-2">
              <input id="wf-id" className="field font-mono" value={id} onChange={(e) => setId(e.target.value)}
                aria-invalid={!!shown} aria-describedby="wf-help" autoComplete="off" spellCheck={false} />
              <button type="submit" className="btn btn-primary" aria-disabled={submit.isPending}>Submit</button>
            </div>
            <p id="wf-help" className={shown ? 'text-sm tone-error' : 'muted'}>
              {shown || 'The workflow checks it and inserts it unless it exists.'}
            </p>
          </form>}
          {sid && <SubmissionProgress key={sid} sid={sid} onDone={toast} />}
          <RecentSubmissions canSubmit={canSubmit} />
        </>
      )}
    </section>
  )
}
