import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { StatusLine, useOutcome } from '@/components/ui/status-line'
import { useTestConnection } from '@/features/settings/test-connection'
import { ok } from '@/lib/outcome'
import { getSettings, saveSettings } from '@/lib/settings'

/** API base URL and key (defaults from frontend/.env, saved in localStorage) and a connection test. */
export function SettingsPanel() {
  const [draft, setDraft] = useState(getSettings)
  const [showKey, setShowKey] = useState(false)
  const [outcome, report] = useOutcome()
  const test = useTestConnection()
  const qc = useQueryClient()

  const save = (e: FormEvent) => {
    e.preventDefault()
    saveSettings(draft)
    setDraft(getSettings())
    qc.resetQueries()
    report(ok('Saved.'))
  }
  const reset = () => {
    saveSettings(null)
    setDraft(getSettings())
    qc.resetQueries()
    report(ok('Back to the defaults.'))
  }

  return (
    <section aria-labelledby="settings-h" className="card">
      <h2 id="settings-h">Settings</h2>
      <form onSubmit={save} className="grid gap-3 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="base-url">
            API base URL
          </label>
          <input
            id="base-url"
            type="url"
            className="field"
            value={draft.baseUrl}
            onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
            autoComplete="url"
          />
        </div>
        <div>
          <label className="label" htmlFor="api-key">
            API key
          </label>
          <div className="flex gap-2">
            <input
              id="api-key"
              type={showKey ? 'text' : 'password'}
              className="field font-mono"
              value={draft.apiKey}
              onChange={(e) => setDraft({ ...draft, apiKey: e.target.value })}
              autoComplete="off"
              spellCheck={false}
            />
            <button type="button" className="btn" aria-pressed={showKey} onClick={() => setShowKey(!showKey)}>
              Show key
            </button>
          </div>
        </div>
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <button type="submit" className="btn btn-primary">
            Save settings
          </button>
          <button
            type="button"
            className="btn"
            disabled={test.isPending}
            onClick={() => test.mutate(draft, { onSuccess: report })}
          >
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="btn" onClick={reset}>
            Use defaults
          </button>
        </div>
      </form>
      <StatusLine outcome={outcome} label="Settings result" />
    </section>
  )
}
