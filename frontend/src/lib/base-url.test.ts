import { describe, expect, it } from 'vitest'
import { normalizeBaseUrl } from '@/lib/base-url'

describe('normalizeBaseUrl', () => {
  it('drops trailing slashes', () => {
    expect(normalizeBaseUrl(' https://x.example/api/ ')).toEqual({ url: 'https://x.example/api', note: null })
  })
  it('requires a scheme instead of letting the URL become a path under this page', () => {
    expect(normalizeBaseUrl('x.example/api')).toEqual({ url: null, problem: expect.stringMatching(/^Add the scheme: https:\/\/x\.example\/api/) })
  })
  it('strips a route pasted with the base, and says so', () => {
    expect(normalizeBaseUrl('https://x.example/api/customers?limit=5')).toEqual({
      url: 'https://x.example/api',
      note: 'Dropped “/customers?limit=5”: routes are added to the base URL.',
    })
    expect(normalizeBaseUrl('http://127.0.0.1:8000/health').url).toBe('http://127.0.0.1:8000')
  })
  it('refuses what is not a URL at all', () => {
    expect(normalizeBaseUrl('http://')).toMatchObject({ url: null })
    expect(normalizeBaseUrl('')).toMatchObject({ url: null })
  })
})
