import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { WorkflowPanel } from '@/features/workflow/components/workflow-panel'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

describe('WorkflowPanel', () => {
  it('follows a submission from accepted to its outcome and lists it', async () => {
    const fake = installFakeApi({ workflow: true })
    const { user } = renderWithClient(<WorkflowPanel />)
    await user.type(await screen.findByRole('textbox', { name: 'Customer ID to submit' }), 'wf_1')
    await user.click(screen.getByRole('button', { name: 'Submit' }))
    const status = screen.getByRole('status', { name: 'Workflow result' })
    expect(await within(status).findByText(/^Accepted/)).toBeVisible()
    expect(await within(status).findByText('Inserted: the workflow created customer ID “wf_1”.', {}, { timeout: 5000 })).toBeVisible()
    const steps = within(screen.getByRole('list', { name: 'Submission progress' })).getAllByRole('listitem')
    expect(steps.map((s) => s.textContent)).toEqual(['accepted', '→ running', '→ succeeded (inserted)'])
    expect(fake.customers.get('wf_1')?.source).toBe('workflow')
    const recent = screen.getByRole('table', { name: 'Recent submissions' })
    expect(await within(recent).findByRole('cell', { name: 'wf_1' })).toBeVisible()
  })

  it('refuses an ID that breaks the rule before submitting it', async () => {
    const fake = installFakeApi({ workflow: true })
    const { user } = renderWithClient(<WorkflowPanel />)
    const field = await screen.findByRole('textbox', { name: 'Customer ID to submit' })
    await user.type(field, 'no way')
    expect(field).toHaveAttribute('aria-invalid', 'true')
    await user.click(screen.getByRole('button', { name: 'Submit' }))
    const status = screen.getByRole('status', { name: 'Workflow result' })
    expect(status).toHaveTextContent(/^Invalid ID “no way”: Use only letters/)
    expect(fake.requests.some((r) => r.url.endsWith('/workflow/submit'))).toBe(false)
  })

  it('says plainly when the API spec has no workflow routes', async () => {
    installFakeApi({ workflow: false })
    renderWithClient(<WorkflowPanel />)
    expect(await screen.findByText(/has no workflow routes yet/)).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Submit' })).toBeNull()
  })

  it('falls back to the routes themselves when the spec cannot be read', async () => {
    const fake = installFakeApi({ workflow: false })
    const real = globalThis.fetch
    globalThis.fetch = (input, init) =>
      String(input).endsWith('/openapi.json') ? Promise.resolve(new Response('nope', { status: 500 })) : real(input, init)
    const { user } = renderWithClient(<WorkflowPanel />)
    await user.type(await screen.findByRole('textbox', { name: 'Customer ID to submit' }), 'wf_2')
    await user.click(screen.getByRole('button', { name: 'Submit' }))
    expect(await screen.findByText(/has no workflow routes yet/)).toBeVisible()
    expect(fake.requests.some((r) => r.url.endsWith('/workflow/submit'))).toBe(true)
  })
})
