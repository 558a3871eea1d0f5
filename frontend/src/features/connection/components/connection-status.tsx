import type { ConnectionReport } from '@/features/connection/api/check-connection'

type Props = { report: ConnectionReport | undefined; checking: boolean }

/** The header's connection indicator and stage badge: a dot, a word and a badge, never a paragraph.
 *  The badge comes last, so its arrival moves nothing already shown. */
export function ConnectionStatus({ report, checking }: Props) {
  const state = checking && !report ? 'checking' : report?.ok ? 'connected' : 'disconnected'
  const text = { checking: 'Checking…', connected: 'Connected', disconnected: 'Not connected' }[state]
  return (
    <div className="flex min-w-0 items-center gap-2 text-sm">
      <span className={`conn conn-${state}`}>
        <span aria-hidden="true" className="conn-dot" />
        <span className="sr-only sm:not-sr-only">{text}</span>
      </span>
      {report?.health && (
        <span className="badge" title={`API version ${report.health.version}`}>
          <span className="sr-only">Stage </span>
          {report.health.stage}
        </span>
      )}
    </div>
  )
}
