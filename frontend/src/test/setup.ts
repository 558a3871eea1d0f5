import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { saveSettings } from '@/lib/settings'

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
})
