import { useQuery } from '@tanstack/react-query'
import { CopyButton } from '@/components/ui/copy-button'
import { submissionsQuery } from '@/features/workflow/api/list-submissions'
import { statusChip } from '@/features/workflow/describe-submission'
import { StatusChip } from '@/features/workflow/components/status-chip'
import { isFinal } from '@/features/workflow/types'
import { isConnectionError } from '@/lib/api-client'
import { formatActor, formatDuration, formatTime } from '@/lib/format'
import { failure } from '@/lib/outcome'

/** The latest submissions, refreshing by themselves; each with its chip, duration and copyable ID.
 *  `canSubmit`: the form above is offered (the empty state points to it). */
export function RecentSubmissions({ canSubmit }: { canSubmit: boolean }) {
  const q = useQuery(submissionsQuery())
  const items = q.data?.items ?? []
  return (
    <div className="mt-4 grid gap-2">
      <h3 className="font-semibold">Recent submissions</h3>
      {q.isError ? (
        <p className="muted">{isConnectionError(q.error) ? 'Not connected.' : failure(q.error).text}</p>
      ) : q.isPending ? (
        <p className="muted">Loading submissions…</p>
      ) : items.length === 0 ? (
        <p className="muted">No submissions yet{canSubmit && ': submit an ID above'}.</p>
      ) : (
        <ul aria-label="Recent submissions" className="grid gap-2">
          {items.map((s) => (
            <li key={s.submissionId} className="submission">
              <div className="flex min-w-0 items-center gap-2">
                <span className="id-text font-mono" title={s.id}>{s.id}</span>
                <StatusChip chip={statusChip(s)} />
              </div>
              <div className="muted flex min-w-0 items-center gap-1">
                <span className="min-w-0 truncate" title={s.submissionId}>
                  <span className="sr-only">Submission </span>{s.submissionId}
                </span>
                <CopyButton value={s.submissionId} what="submission ID" />
              </div>
              <p className="muted">
                {formatTime(s.submittedAt)} · by {formatActor(s.submittedBy)}
                {isFinal(s) && <> · took {formatDuration(s.submittedAt, s.updatedAt)}</>}
                {s.error && <> · {s.error}</>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
