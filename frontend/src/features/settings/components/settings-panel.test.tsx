import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SettingsPanel } from '@/features/settings/components/settings-panel'
import { getSettings } from '@/lib/settings'
import { BASE, installFakeApi, KEY } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const status = () => screen.getByRole('status', { name: 'Settings result' })

describe('SettingsPanel', () => {
  it('masks the key, shows it on request, and saves to localStorage', async () => {
    installFakeApi()
    const { user } = renderWithClient(<SettingsPanel />)
    const key = screen.getByLabelText('API key')
    expect(key).toHaveAttribute('type', 'password')
    expect(key).toHaveValue(KEY)
    await user.click(screen.getByRole('button', { name: 'Show key', pressed: false }))
    expect(key).toHaveAttribute('type', 'text')
    await user.clear(key)
    await user.type(key, 'other')
    await user.clear(screen.getByRole('textbox', { name: 'API base URL' }))
    await user.type(screen.getByRole('textbox', { name: 'API base URL' }), 'http://elsewhere/api/')
    await user.click(screen.getByRole('button', { name: 'Save settings' }))
    expect(getSettings()).toEqual({ baseUrl: 'http://elsewhere/api', apiKey: 'other' })
    expect(JSON.parse(localStorage.getItem('cid.settings')!)).toEqual(getSettings())
    await user.click(screen.getByRole('button', { name: 'Use defaults' }))
    expect(localStorage.getItem('cid.settings')).toBeNull()
  })

  it.each([
    ['a working API and key', {}, null, /^Connected: stage test, version 0\.1\.0; the key works\./],
    ['a wrong key', {}, 'wrong', /^Wrong API key/],
    ['nothing listening', { down: true }, null, /^Unreachable/],
    ['an origin the API does not allow', { cors: true }, null, /^CORS: the API at http:\/\/api.test answered/],
  ])('Test connection names %s', async (_, mode, key, text) => {
    installFakeApi(mode)
    const { user } = renderWithClient(<SettingsPanel />)
    if (key) {
      await user.clear(screen.getByLabelText('API key'))
      await user.type(screen.getByLabelText('API key'), key)
    }
    await user.click(screen.getByRole('button', { name: 'Test connection' }))
    expect(await within(status()).findByText(text)).toBeVisible()
    expect(getSettings().baseUrl).toBe(BASE)
  })
})
