import { type FormEvent, useState } from 'react'
import { StatusLine, useOutcome } from '@/components/ui/status-line'
import { useWorkflowSupport } from '@/features/workflow/api/get-workflow-support'
import { isMissingRoute } from '@/features/workflow/api/list-submissions'
import { useSubmitWorkflow } from '@/features/workflow/api/submit-workflow'
import { RecentSubmissions } from '@/features/workflow/components/recent-submissions'
import { SubmissionProgress } from '@/features/workflow/components/submission-progress'
import { idProblem } from '@/lib/customer-id'
import { failure, info } from '@/lib/outcome'

/** Submit an ID to the workflow, watch it reach its outcome, and see recent submissions. */
export function WorkflowPanel() {
  const [id, setId] = useState('')
  const [sid, setSid] = useState<string | null>(null)
  const [outcome, report] = useOutcome()
  const submit = useSubmitWorkflow()
  const support = useWorkflowSupport()
  const missing = support.data === false || isMissingRoute(submit.error)
  const problem = idProblem(id)

  const send = (e: FormEvent) => {
    e.preventDefault()
    // The API refuses an ID that breaks the rule at once (400 invalid_id): say so without asking.
    if (problem) return report({ tone: 'error', text: `Invalid ID${id && ` “${id}”`}: ${problem}` })
    const v = id
    submit.mutate(v, {
      onSuccess: (a) => {
        setSid(a.submissionId)
        report(info(`Accepted: “${a.id}” was submitted; waiting for its outcome…`))
      },
      onError: (err) => report(failure(err, v)),
    })
  }

  return (
    <section aria-labelledby="wf-h" className="card">
      <h2 id="wf-h">Workflow</h2>
      {missing ? (
        <p className="muted">This API has no workflow routes yet, so there is nothing to submit to.</p>
      ) : support.isPending ? (
        <p className="muted">Looking for the workflow API…</p>
      ) : (
        <>
          <form onSubmit={send}>
            <label className="label" htmlFor="wf-id">
              Customer ID to submit
            </label>
            <div className="flex gap-2">
              <input
                id="wf-id"
                className="field font-mono"
                value={id}
                onChange={(e) => setId(e.target.value)}
                aria-invalid={!!id && !!problem}
                aria-describedby="wf-help"
                autoComplete="off"
                spellCheck={false}
              />
              <button type="submit" className="btn btn-primary" disabled={submit.isPending}>
                Submit
              </button>
            </div>
            <p id="wf-help" className={id && problem ? 'text-sm tone-error' : 'muted'}>
              {(id && problem) || 'The workflow checks it and inserts it unless it exists.'}
            </p>
          </form>
          <StatusLine outcome={outcome} label="Workflow result" />
          {sid && <SubmissionProgress key={sid} sid={sid} onDone={report} />}
          <RecentSubmissions />
        </>
      )}
    </section>
  )
}
