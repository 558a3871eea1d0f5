import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'
import { dismissToast } from '@/components/ui/toaster'
import { dismissBulkDelete } from '@/features/customers/bulk-delete-job'
import { dismissImport } from '@/features/customers/import/import-job'
import { rereadListLocation } from '@/features/customers/use-list-location'
import { resetSession } from '@/lib/session'
import { saveSettings } from '@/lib/settings'

// `make test` runs these beside pytest on two cores, at a lower priority: a findBy* waits for its
// condition and returns as soon as it holds, so a generous ceiling costs a passing test nothing.
configure({ asyncUtilTimeout: 5000 })

// jsdom has <dialog> but not its modal methods: enough of them for ConfirmDialog.
if (!HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '')
  }
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open')
    this.dispatchEvent(new Event('close'))
  }
}

// jsdom does no layout: scrolling a row into view is a no-op there.
Element.prototype.scrollIntoView ??= function () {}

afterEach(() => {
  cleanup()
  saveSettings(null)
  localStorage.clear()
  sessionStorage.clear()
  resetSession()
  dismissToast()
  dismissImport()
  dismissBulkDelete()
  history.replaceState(null, '', '/')
  rereadListLocation()
})
