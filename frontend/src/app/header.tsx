import type { ReactNode } from 'react'
import { ThemeToggle } from '@/components/ui/theme-toggle'
import type { ConnectionReport } from '@/features/connection/api/check-connection'
import { ConnectionStatus } from '@/features/connection/components/connection-status'

type Props = { report: ConnectionReport | undefined; checking: boolean; onSettings: () => void; activity?: ReactNode; account?: ReactNode }

/** `activity`: work running in the background (an import), shown beside the connection; `account`:
 *  who is signed in (a row of its own on a phone). */
export function Header({ report, checking, onSettings, activity, account }: Props) {
  return (
    <header className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-x-2 gap-y-1 px-4 py-2 sm:flex-nowrap sm:gap-3">
      <h1 className="shrink-0 text-lg font-bold">
        Customer IDs<span className="hidden sm:inline"> Console</span>
      </h1>
      <ConnectionStatus report={report} checking={checking} />
      {activity}
      {account}
      <div className={`flex shrink-0 gap-1 ${account ? 'max-sm:ml-auto sm:order-2' : 'ml-auto'}`}>
        <ThemeToggle />
        <button type="button" className="btn-icon icon-settings" aria-label="Connection settings" title="Connection settings" onClick={onSettings} />
      </div>
    </header>
  )
}
