import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { CopyButton } from '@/components/ui/copy-button'
import { submissionQuery } from '@/features/workflow/api/get-submission'
import { describeOutcome, statusChip } from '@/features/workflow/describe-submission'
import { StatusChip } from '@/features/workflow/components/status-chip'
import { isFinal } from '@/features/workflow/types'
import { formatDuration } from '@/lib/format'
import type { Outcome } from '@/lib/outcome'

type Props = { sid: string; onDone: (o: Outcome) => void }

/** Follows one submission from "accepted" to its outcome, showing each state it passed through. */
export function SubmissionProgress({ sid, onDone }: Props) {
  const q = useQuery(submissionQuery(sid))
  const qc = useQueryClient()
  const s = q.data
  const [seen, setSeen] = useState(['Accepted'])
  const chip = s && statusChip(s)
  const done = isFinal(s)

  useEffect(() => {
    if (chip) setSeen((prev) => (prev.at(-1) === chip.label ? prev : [...prev, chip.label]))
  }, [chip?.label]) // eslint-disable-line react-hooks/exhaustive-deps -- a new state, not a new object
  // Once, when the submission reaches its outcome: report it, and refresh what it may have changed.
  useEffect(() => {
    if (!done || !s) return
    onDone(describeOutcome(s))
    void qc.invalidateQueries({ queryKey: ['customers'] })
    void qc.invalidateQueries({ queryKey: ['workflow', 'list'] })
  }, [done]) // eslint-disable-line react-hooks/exhaustive-deps -- once, on reaching the outcome

  return (
    <div className="mt-3 grid gap-1 rounded-md border border-line p-2 text-sm">
      <div className="flex min-w-0 items-center gap-1">
        <span className="shrink-0">Submission</span>
        <code className="min-w-0 truncate" title={sid}>{sid}</code>
        <CopyButton value={sid} what="submission ID" />
      </div>
      <ol aria-label="Submission progress" className="flex flex-wrap items-center gap-1">
        {seen.map((label, i) => (
          <li key={label} className="flex items-center gap-1">
            {i > 0 && <span aria-hidden="true">→</span>}
            {i === seen.length - 1 && chip ? <StatusChip chip={chip} /> : <span className="chip chip-pending">{label}</span>}
          </li>
        ))}
      </ol>
      {done && s && <p className="muted">Took {formatDuration(s.submittedAt, s.updatedAt)}.</p>}
    </div>
  )
}
