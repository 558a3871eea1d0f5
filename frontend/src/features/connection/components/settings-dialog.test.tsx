import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { SettingsDialog } from '@/features/connection/components/settings-dialog'
import { getSettings } from '@/lib/settings'
import { BASE, installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const setup = () => {
  const onClose = vi.fn()
  const r = renderWithClient(<SettingsDialog open onClose={onClose} />)
  const url = screen.getByRole('textbox', { name: 'API base URL' })
  return { ...r, onClose, url }
}

describe('SettingsDialog', () => {
  it('tests the connection on Save and saves only what passed', async () => {
    installFakeApi()
    const { user, onClose, url } = setup()
    await user.clear(url)
    await user.type(url, `${BASE}/customers/`)
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(onClose).toHaveBeenCalled()
    expect(getSettings()).toEqual({ baseUrl: BASE })
  })

  it('asks for the URL only: no key field anywhere', () => {
    installFakeApi()
    setup()
    expect(screen.queryByLabelText(/key/i)).toBeNull()
    expect(screen.getAllByRole('textbox')).toHaveLength(1)
  })

  it('says where sign-in is missing, does not claim success, and offers Save anyway', async () => {
    // GIVEN an API (an older one) without /auth/config
    installFakeApi()
    const real = globalThis.fetch
    globalThis.fetch = async (input, init) =>
      new Request(input, init).url.endsWith('/auth/config') ? new Response('{"error":{"code":"not_found","message":"No such route."}}', { status: 404, headers: { 'content-type': 'application/json' } }) : real(input, init)
    const { user, onClose, url } = setup()
    await user.clear(url)
    await user.type(url, 'http://other.test')
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    const checks = await screen.findByRole('list', { name: 'Connection checks' })
    expect(within(checks).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '✓ URL: http://other.test',
      '✓ Reachable: Stage test, version 0.1.0.',
      '✗ Sign-in settings: 404 not_found: No such route.',
    ])
    expect(onClose).not.toHaveBeenCalled()
    expect(getSettings().baseUrl).toBe(BASE)
    await user.click(screen.getByRole('button', { name: 'Save anyway' }))
    expect(getSettings().baseUrl).toBe('http://other.test')
  })

  it('saves when the key is accepted but the data store is busy (503): the connection is fine', async () => {
    installFakeApi({ busy: true })
    const { user, onClose } = setup()
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(onClose).toHaveBeenCalled()
    expect(getSettings()).toEqual({ baseUrl: BASE })
  })

  it('refuses a URL without a scheme before any request', async () => {
    const fake = installFakeApi()
    const { user, url } = setup()
    await user.clear(url)
    await user.type(url, 'api.example.com')
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(await screen.findByRole('list', { name: 'Connection checks' })).toHaveTextContent('✗ URL: Add the scheme: https://api.example.com')
    expect(fake.requests).toHaveLength(0)
  })

  it('names CORS when the server answers but the browser blocks it', async () => {
    installFakeApi({ cors: true })
    const { user } = setup()
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(await screen.findByRole('list', { name: 'Connection checks' })).toHaveTextContent(/✗ CORS: .* answered, but the browser blocked/)
  })
})
