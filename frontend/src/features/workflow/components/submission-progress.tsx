import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useSubmission } from '@/features/workflow/api/get-submission'
import { describeOutcome, statusLabel } from '@/features/workflow/describe-submission'
import { isFinal } from '@/features/workflow/types'
import { failure, type Outcome } from '@/lib/outcome'

type Props = { sid: string; onDone: (o: Outcome) => void }

/** Follows one submission from "accepted" to its outcome, listing each state it passed through. */
export function SubmissionProgress({ sid, onDone }: Props) {
  const q = useSubmission(sid)
  const qc = useQueryClient()
  const s = q.data
  const [seen, setSeen] = useState(['accepted'])
  const label = s && statusLabel(s)
  const done = isFinal(s)

  useEffect(() => {
    if (label) setSeen((prev) => (prev.at(-1) === label ? prev : [...prev, label]))
  }, [label])
  // Once, when the submission reaches its outcome: report it, and refresh what it may have changed.
  useEffect(() => {
    if (!done || !s) return
    onDone(describeOutcome(s))
    qc.invalidateQueries({ queryKey: ['customers'] })
    qc.invalidateQueries({ queryKey: ['workflow', 'list'] })
  }, [done]) // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="mt-3 text-sm">
      <p>
        Submission <code>{sid}</code>
        {s && <> for “{s.id}”</>}
      </p>
      <ol aria-label="Submission progress" className="mt-1 flex flex-wrap gap-1">
        {seen.map((st, i) => (
          <li key={st} className="rounded bg-hover px-2">
            {i > 0 && <span aria-hidden="true">→ </span>}
            {st}
          </li>
        ))}
      </ol>
      {q.isError && <p className="tone-error">{failure(q.error).text}</p>}
    </div>
  )
}
