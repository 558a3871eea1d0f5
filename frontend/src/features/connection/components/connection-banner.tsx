import type { ConnectionReport } from '@/features/connection/api/check-connection'

/** The one place a broken connection is explained (panels stay quiet), with the way to fix it. */
export function ConnectionBanner({ report, onFix }: { report: ConnectionReport; onFix: () => void }) {
  const failed = report.checks.find((c) => !c.ok)
  return (
    <div role="alert" className="banner">
      <p className="min-w-0 flex-1">
        <strong>Not connected{failed ? ` (${failed.label})` : ''}:</strong> {failed?.detail}
      </p>
      <button type="button" className="btn" onClick={onFix}>
        Fix connection settings
      </button>
    </div>
  )
}
