import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { SettingsDialog } from '@/features/connection/components/settings-dialog'
import { getSettings } from '@/lib/settings'
import { BASE, installFakeApi, KEY } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const setup = () => {
  const onClose = vi.fn()
  const r = renderWithClient(<SettingsDialog open onClose={onClose} />)
  const url = screen.getByRole('textbox', { name: 'API base URL' })
  const key = screen.getByLabelText('API key')
  return { ...r, onClose, url, key }
}

describe('SettingsDialog', () => {
  it('tests the connection on Save and saves only what passed', async () => {
    installFakeApi()
    const { user, onClose, url } = setup()
    await user.clear(url)
    await user.type(url, `${BASE}/customers/`)
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(onClose).toHaveBeenCalled()
    expect(getSettings()).toEqual({ baseUrl: BASE, apiKey: KEY })
  })

  it('says the key was refused, does not claim success, and offers Save anyway', async () => {
    installFakeApi()
    const { user, onClose, key } = setup()
    await user.clear(key)
    await user.type(key, 'wrong')
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    const checks = await screen.findByRole('list', { name: 'Connection checks' })
    expect(within(checks).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `✓ URL: ${BASE}`,
      '✓ Reachable: Stage test, version 0.1.0.',
      '✗ Key accepted: The API refused this key (403 forbidden).',
    ])
    expect(onClose).not.toHaveBeenCalled()
    expect(getSettings().apiKey).toBe(KEY)
    await user.click(screen.getByRole('button', { name: 'Save anyway' }))
    expect(getSettings().apiKey).toBe('wrong')
  })

  it('saves when the key is accepted but the data store is busy (503): the connection is fine', async () => {
    installFakeApi({ busy: true })
    const { user, onClose } = setup()
    await user.click(screen.getByRole('button', { name: 'Test connection and save' }))
    expect(onClose).toHaveBeenCalled()
    expect(getSettings()).toEqual({ baseUrl: BASE, apiKey: KEY })
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

  it('toggles the key between hidden and shown, and says which', async () => {
    installFakeApi()
    const { user, key } = setup()
    expect(key).toHaveAttribute('type', 'password')
    await user.click(screen.getByRole('button', { name: 'Show key' }))
    expect(key).toHaveAttribute('type', 'text')
    expect(screen.getByRole('button', { name: 'Hide key' })).toBeVisible()
  })
})
