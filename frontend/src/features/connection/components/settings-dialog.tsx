import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Dialog } from '@/components/ui/dialog'
import { toast } from '@/components/ui/toaster'
import { checkConnection, connectionQuery, type ConnectionReport } from '@/features/connection/api/check-connection'
import { info, ok } from '@/lib/outcome'
import { getSession } from '@/lib/session'
import { getSettings, saveSettings, type Settings } from '@/lib/settings'

type Props = { open: boolean; onClose: () => void; onSavedAnyway?: (s: Settings) => void }

/** The API base URL: the only setting (people sign in; there is no key to paste). Save tests the
 *  connection first and says what it found; it saves at once only when every check passed ("Save
 *  anyway" is there for an API that is down right now). */
export function SettingsDialog({ open, onClose, onSavedAnyway }: Props) {
  return (
    <Dialog open={open} title="Connection settings" onClose={onClose}>
      <SettingsForm onSaved={onClose} onSavedAnyway={onSavedAnyway} />
    </Dialog>
  )
}

function SettingsForm({ onSaved, onSavedAnyway }: { onSaved: () => void; onSavedAnyway?: (s: Settings) => void }) {
  const [draft, setDraft] = useState(getSettings)
  const qc = useQueryClient()
  const signedIn = getSession().status === 'signed-in'
  const test = useMutation({ mutationFn: (s: Settings) => checkConnection(s, signedIn) })
  const report = test.data && sameSettings(test.data.settings, draft) ? test.data : null

  // Saved anyway: the failing check is what the banner shows (no green "saved" over a red banner).
  const commit = (r: ConnectionReport | null) => {
    const next = r?.settings ?? draft
    if (!r) onSavedAnyway?.(next)
    saveSettings(next)
    const known = r ?? (test.data && sameSettings(test.data.settings, next) ? test.data : null)
    if (known) qc.setQueryData(connectionQuery(next, signedIn).queryKey, known)
    void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'connection' })
    toast(r?.health ? ok(`Connected to stage ${r.health.stage}: settings saved.`) : info('Settings saved without a working connection: the banner says what failed.'))
    onSaved()
  }
  const save = (e: FormEvent) => {
    e.preventDefault()
    if (test.isPending) return
    test.mutate(draft, { onSuccess: (r) => r.ok && commit(r) })
  }

  return (
    <form onSubmit={save} noValidate className="grid gap-3">
      <div>
        <label className="label" htmlFor="base-url">API base URL</label>
        <input id="base-url" type="url" inputMode="url" className="field" value={draft.baseUrl} autoComplete="url"
          spellCheck={false} aria-describedby="base-url-help" onChange={(e) => setDraft({ baseUrl: e.target.value })} />
        <p id="base-url-help" className="muted">The stage URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/api</p>
      </div>
      {report && <CheckList report={report} />}
      <div className="flex flex-wrap justify-end gap-2">
        {report && !report.ok && (
          <button type="button" className="btn" onClick={() => commit(null)}>Save anyway</button>
        )}
        <button type="submit" className="btn btn-primary" aria-disabled={test.isPending}>
          {test.isPending ? 'Testing connection…' : 'Test connection and save'}
        </button>
      </div>
    </form>
  )
}

const sameSettings = (a: Settings, b: Settings) => a.baseUrl === b.baseUrl

function CheckList({ report }: { report: ConnectionReport }) {
  return (
    <ul aria-label="Connection checks" className="grid gap-1 text-sm">
      {report.checks.map((c) => (
        <li key={c.label} className={c.ok ? 'tone-ok' : 'tone-error'}>
          <span className="font-semibold">{c.ok ? '✓' : '✗'} {c.label}:</span> <span className="text-ink">{c.detail}</span>
        </li>
      ))}
    </ul>
  )
}
