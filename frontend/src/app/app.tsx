import { useQuery } from '@tanstack/react-query'
import { memo, useEffect, useRef, useState } from 'react'
import { Header } from '@/app/header'
import { Toaster } from '@/components/ui/toaster'
import { connectionQuery } from '@/features/connection/api/check-connection'
import { ConnectionBanner } from '@/features/connection/components/connection-banner'
import { SettingsDialog } from '@/features/connection/components/settings-dialog'
import { CustomerList } from '@/features/customers/components/customer-list'
import { WorkflowPanel } from '@/features/workflow/components/workflow-panel'
import { hasSavedSettings, useSettings } from '@/lib/settings'

const focusList = () => document.getElementById('list-h')?.focus()

// The shell re-renders whenever the connection check starts or ends; the list and the workflow take
// no props from it, so memo keeps those renders (a 25-row table each) off the first visit's main thread.
const List = memo(CustomerList)
const Workflow = memo(WorkflowPanel)

/** The shell: header (stage, connection, theme, settings), one connection banner when it is broken,
 *  the customer list as the main view, the workflow beside it on wide screens and below it on narrow. */
export function App() {
  const settings = useSettings()
  const connection = useQuery(connectionQuery(settings))
  const report = connection.data
  const [settingsOpen, setSettingsOpen] = useState(() => !hasSavedSettings())
  const autoOpened = useRef<unknown>(null)

  // A connection that fails opens the settings by itself, once per failing check (not on every render).
  useEffect(() => {
    if (report && !report.ok && autoOpened.current !== report) {
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
        <Header report={report} checking={connection.isFetching} onSettings={() => setSettingsOpen(true)} />
        <Toaster onFocusAway={focusList} />
      </div>
      {report && !report.ok && (
        <div className="mx-auto max-w-screen-2xl px-4 pt-4">
          <ConnectionBanner report={report} onFix={() => setSettingsOpen(true)} />
        </div>
      )}
      <main className="mx-auto grid max-w-screen-2xl items-start gap-4 p-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <List />
        <Workflow />
      </main>
      <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </>
  )
}
