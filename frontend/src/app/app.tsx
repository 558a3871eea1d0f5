import { useQuery } from '@tanstack/react-query'
import { memo, useEffect, useRef, useState } from 'react'
import { Header } from '@/app/header'
import { dismissToast, Toaster } from '@/components/ui/toaster'
import { Account } from '@/features/auth/components/account'
import { SignInDialog } from '@/features/auth/components/sign-in-dialog'
import { connectionQuery, type ConnectionReport } from '@/features/connection/api/check-connection'
import { ConnectionBanner } from '@/features/connection/components/connection-banner'
import { SettingsDialog } from '@/features/connection/components/settings-dialog'
import { CustomerList } from '@/features/customers/components/customer-list'
import { forgetBulkDelete } from '@/features/customers/bulk-delete-job'
import { ImportChip } from '@/features/customers/components/import-chip'
import { forgetImport } from '@/features/customers/import/import-job'
import { WorkflowPanel } from '@/features/workflow/components/workflow-panel'
import { checkSessionConfig, onSessionEnd, restoreSession, useSession } from '@/lib/session'
import { type Settings, useSettings } from '@/lib/settings'

const focusList = () => document.getElementById('list-h')?.focus()

// Settings saved with "Save anyway": their failing check is known, and must not reopen the dialog.
let acknowledged: Settings | null = null
const acknowledge = (s: Settings) => void (acknowledged = s)
const sameAsAcknowledged = (r: ConnectionReport) =>
  acknowledged !== null && r.settings.baseUrl === acknowledged.baseUrl

// The shell re-renders whenever the connection check starts or ends; the list and the workflow take
// no props from it, so memo keeps those renders (a 25-row table each) off the first visit's main thread.
const List = memo(CustomerList)
const Workflow = memo(WorkflowPanel)

/** The shell: header (stage, connection, who is signed in, theme, settings), one connection banner
 *  when it is broken, the customer list as the main view, the workflow beside it on wide screens and
 *  below it on narrow, and the sign-in over all of it until someone is signed in. */
export function App() {
  const settings = useSettings()
  const session = useSession()
  const connection = useQuery(connectionQuery(settings, session.status === 'signed-in'))
  const report = connection.data
  const [settingsOpen, setSettingsOpen] = useState(false)
  const autoOpened = useRef<unknown>(null)
  const auth = report?.ok ? report.auth : null

  // Work running outside the page's tree (an import, a bulk delete, a toast's Undo) was the last
  // person's: it ends with their session.
  useEffect(() => onSessionEnd(() => (forgetImport(), forgetBulkDelete(), dismissToast())), [])

  // Where to sign in is known: a session kept from this browser session resumes, and one from
  // another API (the URL changed) ends.
  useEffect(() => {
    if (!auth) return
    checkSessionConfig(auth)
    void restoreSession(auth)
  }, [auth])

  // A connection that fails opens the settings by itself, once per failing check (not on every
  // render), unless the person just saved these very settings anyway.
  useEffect(() => {
    if (report && !report.ok && autoOpened.current !== report && !sameAsAcknowledged(report)) {
      autoOpened.current = report
      setSettingsOpen(true)
    }
  }, [report])

  return (
    <>
      <a href="#list-h" className="skip-link" onClick={(e) => (e.preventDefault(), focusList())}>
        Skip to the customer list
      </a>
      <div className="sticky top-0 z-10 border-b border-line bg-card" data-sticky-header>
        <Header report={report} checking={connection.isFetching} onSettings={() => setSettingsOpen(true)} activity={<ImportChip />}
          account={session.status === 'signed-in' ? <Account /> : undefined} />
      </div>
      <Toaster onFocusAway={focusList} />
      {report && !report.ok && (
        <div className="mx-auto max-w-screen-2xl px-4 pt-4">
          <ConnectionBanner report={report} onFix={() => setSettingsOpen(true)} />
        </div>
      )}
      <main className="mx-auto grid max-w-screen-2xl items-start gap-4 px-4 pt-4 pb-24 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <List />
        <Workflow />
      </main>
      <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} onSavedAnyway={acknowledge} />
      <SignInDialog config={auth} hidden={settingsOpen} />
    </>
  )
}
