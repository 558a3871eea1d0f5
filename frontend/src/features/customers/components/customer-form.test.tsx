import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { CustomerForm } from '@/features/customers/components/customer-form'
import { saveSettings } from '@/lib/settings'
import { BASE, installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const status = () => screen.getByRole('status', { name: 'Customer ID result' })
const field = () => screen.getByRole('textbox', { name: 'Customer ID' })

describe('CustomerForm', () => {
  it('adds, finds the duplicate, checks, and deletes after confirming', async () => {
    const fake = installFakeApi()
    const { user } = renderWithClient(<CustomerForm />)
    await user.type(field(), 'cust_1')
    await user.click(screen.getByRole('button', { name: 'Add' }))
    expect(await within(status()).findByText(/^Created: customer ID “cust_1”/)).toBeVisible()
    await user.keyboard('{Enter}')
    expect(await within(status()).findByText(/^Already exists/)).toBeVisible()
    await user.click(screen.getByRole('button', { name: 'Check' }))
    expect(await within(status()).findByText(/^Exists: “cust_1”, created .* by api\./)).toBeVisible()

    await user.click(screen.getByRole('button', { name: 'Delete…' }))
    const dialog = screen.getByRole('dialog', { name: /Delete customer ID “cust_1”/ })
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }))
    expect(await within(status()).findByText(/^Deleted/)).toBeVisible()
    expect(fake.customers.has('cust_1')).toBe(false)

    await user.click(screen.getByRole('button', { name: 'Check' }))
    expect(await within(status()).findByText(/^Not found: no customer ID “cust_1”/)).toBeVisible()
  })

  it('cancelling the confirmation deletes nothing', async () => {
    const fake = installFakeApi()
    fake.customers.set('keep_me', { id: 'keep_me', createdAt: '2026-11-25T00:00:00Z', source: 'api' })
    const { user } = renderWithClient(<CustomerForm />)
    await user.type(field(), 'keep_me')
    await user.click(screen.getByRole('button', { name: 'Delete…' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(fake.customers.has('keep_me')).toBe(true)
  })

  it('validates inline with the API rule and never calls the API for an invalid ID', async () => {
    const fake = installFakeApi()
    const { user } = renderWithClient(<CustomerForm />)
    await user.type(field(), 'a b')
    expect(field()).toHaveAttribute('aria-invalid', 'true')
    expect(field()).toHaveAccessibleDescription(/Use only letters, digits/)
    await user.click(screen.getByRole('button', { name: 'Add' }))
    expect(status()).toHaveTextContent(/^Invalid ID “a b”/)
    expect(fake.requests).toHaveLength(0)
  })

  it('says forbidden for a wrong key and network error when nothing answers', async () => {
    const fake = installFakeApi()
    saveSettings({ baseUrl: BASE, apiKey: 'nope' })
    const { user } = renderWithClient(<CustomerForm />)
    await user.type(field(), 'cust_2')
    await user.click(screen.getByRole('button', { name: 'Add' }))
    expect(await within(status()).findByText(/^Forbidden/)).toBeVisible()
    fake.down = true
    await user.click(screen.getByRole('button', { name: 'Add' }))
    expect(await within(status()).findByText(/^Network error/)).toBeVisible()
  })

  it('toasts each outcome too', async () => {
    installFakeApi()
    const { Toaster } = await import('@/components/ui/toaster')
    const { user } = renderWithClient(
      <>
        <CustomerForm />
        <Toaster />
      </>,
    )
    await user.type(field(), 'cust_3')
    await user.click(screen.getByRole('button', { name: 'Add' }))
    const toasts = screen.getByRole('region', { name: 'Notifications' })
    expect(await within(toasts).findByText(/^Created/)).toBeVisible()
    await user.click(within(toasts).getAllByRole('button', { name: 'Dismiss notification' }).at(-1)!)
  })
})
