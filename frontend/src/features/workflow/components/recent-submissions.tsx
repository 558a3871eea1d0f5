import { useSubmissions } from '@/features/workflow/api/list-submissions'
import { statusLabel } from '@/features/workflow/describe-submission'
import { formatTime } from '@/lib/format'
import { failure } from '@/lib/outcome'

export function RecentSubmissions() {
  const q = useSubmissions()
  const items = q.data?.items ?? []
  return (
    <div className="mt-4">
      <h3 className="font-semibold">Recent submissions</h3>
      {q.isError ? (
        <p className="text-sm tone-error">{failure(q.error).text}</p>
      ) : q.isPending ? (
        <p className="muted">Loading submissions…</p>
      ) : items.length === 0 ? (
        <p className="muted">No submissions yet.</p>
      ) : (
        <table className="w-full text-sm" aria-label="Recent submissions">
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Status</th>
              <th scope="col">Submitted</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.submissionId}>
                <td className="font-mono break-all">{s.id}</td>
                <td>{statusLabel(s)}</td>
                <td>{formatTime(s.submittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
