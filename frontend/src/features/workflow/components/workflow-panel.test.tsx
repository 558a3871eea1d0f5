import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { Toaster } from '@/components/ui/toaster'
import { WorkflowPanel } from '@/features/workflow/components/workflow-panel'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

describe('WorkflowPanel', () => {
  it('follows a submission from accepted to its outcome, with one toast, and lists it', async () => {
    const fake = installFakeApi({ workflow: true })
    const { user } = renderWithClient(<><WorkflowPanel /><Toaster onFocusAway={() => {}} /></>)
    await user.type(await screen.findByRole('textbox', { name: 'Customer ID to submit' }), 'wf_1')
    await user.click(screen.getByRole('button', { name: 'Submit' }))
    const toasts = screen.getByRole('status', { name: 'Notifications' })
    expect(await within(toasts).findByText('Inserted: the workflow created customer ID “wf_1”.', {}, { timeout: 5000 })).toBeVisible()
    const steps = within(screen.getByRole('list', { name: 'Submission progress' })).getAllByRole('listitem')
    expect(steps.map((s) => s.textContent)).toEqual(['Accepted', '→Running', '→Inserted'])
    expect(fake.customers.get('wf_1')?.source).toBe('workflow')
    expect(fake.requests.find((r) => r.url.endsWith('/workflow/submit'))?.headers.get('idempotency-key')).toBeTruthy()
    const recent = await screen.findByRole('list', { name: 'Recent submissions' })
    expect(within(recent).getByText('wf_1')).toBeVisible()
    expect(within(recent).getByRole('button', { name: 'Copy submission ID s1' })).toBeVisible()
  })

  it('refuses an ID that breaks the rule before submitting it', async () => {
    const fake = installFakeApi({ workflow: true })
    const { user } = renderWithClient(<WorkflowPanel />)
    const field = await screen.findByRole('textbox', { name: 'Customer ID to submit' })
    await user.type(field, 'no way{Enter}')
    expect(field).toHaveAttribute('aria-invalid', 'true')
    expect(field).toHaveAccessibleDescription(/^Use only letters/)
    expect(fake.requests.some((r) => r.url.endsWith('/workflow/submit'))).toBe(false)
  })

  it('says plainly when the API spec has no workflow routes', async () => {
    installFakeApi({ workflow: false })
    renderWithClient(<WorkflowPanel />)
    expect(await screen.findByText(/has no workflow routes yet/)).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Submit' })).toBeNull()
  })

  it('offers a viewer the submissions but no submit', async () => {
    installFakeApi({ workflow: true, as: 'viewer' })
    renderWithClient(<WorkflowPanel />)
    expect(await screen.findByText('No submissions yet.')).toBeVisible()
    expect(screen.queryByRole('textbox', { name: 'Customer ID to submit' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Submit' })).toBeNull()
  })
})
