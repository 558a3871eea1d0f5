import { ThemeToggle } from '@/components/ui/theme-toggle'
import { Toaster } from '@/components/ui/toaster'
import { BulkAdd } from '@/features/customers/components/bulk-add'
import { CustomerForm } from '@/features/customers/components/customer-form'
import { CustomerList } from '@/features/customers/components/customer-list'
import { SettingsPanel } from '@/features/settings/components/settings-panel'
import { WorkflowPanel } from '@/features/workflow/components/workflow-panel'

export function App() {
  return (
    <>
      <header className="flex items-center justify-between gap-4 border-b border-line px-4 py-3">
        <h1 className="text-xl font-bold">Customer IDs Console</h1>
        <ThemeToggle />
      </header>
      <main className="mx-auto grid max-w-6xl gap-4 p-4 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <SettingsPanel />
        </div>
        <div className="grid content-start gap-4">
          <CustomerForm />
          <BulkAdd />
          <WorkflowPanel />
        </div>
        <CustomerList />
      </main>
      <Toaster />
    </>
  )
}
