import { describe, expect, it } from 'vitest'
import { getSettings, reloadSettings, saveSettings } from '@/lib/settings'

describe('settings', () => {
  it('on load, removes the API key an older console stored in plain text, and keeps the URL', () => {
    localStorage.setItem('cid.settings', JSON.stringify({ baseUrl: 'https://api.example', apiKey: 'the-old-key' }))
    reloadSettings()
    expect(getSettings()).toEqual({ baseUrl: 'https://api.example' })
    expect(localStorage.getItem('cid.settings')).toBe('{"baseUrl":"https://api.example"}')
    expect(JSON.stringify({ ...localStorage })).not.toContain('the-old-key')
  })

  it('removes an old entry that held only a key', () => {
    localStorage.setItem('cid.settings', JSON.stringify({ apiKey: 'the-old-key' }))
    reloadSettings()
    expect(localStorage.getItem('cid.settings')).toBeNull()
    expect(getSettings().baseUrl).toBe('http://127.0.0.1:8000') // the build's (frontend/.env)
  })

  it('saves the URL only', () => {
    saveSettings({ baseUrl: 'https://b.example', apiKey: 'sneaked-in' } as never)
    expect(localStorage.getItem('cid.settings')).toBe('{"baseUrl":"https://b.example"}')
  })
})
