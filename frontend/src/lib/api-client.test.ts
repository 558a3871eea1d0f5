import { describe, expect, it } from 'vitest'
import { api, ApiError } from '@/lib/api-client'
import { saveSettings } from '@/lib/settings'
import { BASE, installFakeApi, KEY } from '@/test/fake-api'

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as ApiError)

describe('api client', () => {
  it('joins the base URL and sends the key on authenticated routes only', async () => {
    const fake = installFakeApi()
    await api('/health', { auth: false })
    await api('/customers?limit=1')
    expect(fake.requests.map((r) => [r.url, r.headers.get('x-api-key')])).toEqual([
      [`${BASE}/health`, null],
      [`${BASE}/customers?limit=1`, KEY],
    ])
  })

  it('turns the error shape into an http ApiError with status and code', async () => {
    installFakeApi()
    await api('/customers/abc', { method: 'PUT' })
    const e = await rejection(api('/customers/abc', { method: 'PUT' }))
    expect(e).toBeInstanceOf(ApiError)
    expect([e.kind, e.status, e.code]).toEqual(['http', 409, 'already_exists'])
  })

  it('reports a wrong key as forbidden, not as a network error', async () => {
    installFakeApi()
    saveSettings({ baseUrl: BASE, apiKey: 'wrong' })
    const e = await rejection(api('/customers'))
    expect([e.kind, e.status, e.code]).toEqual(['http', 403, 'forbidden'])
  })

  it('returns undefined for 204 and JSON for 200', async () => {
    installFakeApi()
    await api('/customers/abc', { method: 'PUT' })
    await expect(api('/customers/abc')).resolves.toMatchObject({ id: 'abc', source: 'api' })
    await expect(api('/customers/abc', { method: 'DELETE' })).resolves.toBeUndefined()
  })

  it('says network when nothing answers, cors when something answers unreadably', async () => {
    const fake = installFakeApi({ down: true })
    expect((await rejection(api('/customers'))).kind).toBe('network')
    fake.down = false
    fake.cors = true
    const e = await rejection(api('/customers'))
    expect(e.kind).toBe('cors')
    expect(e.message).toContain(location.origin)
  })

  it('keeps a non-JSON error readable and reads Retry-After', async () => {
    installFakeApi()
    globalThis.fetch = async () => new Response('<html>busy</html>', { status: 503, headers: { 'retry-after': '7' } })
    const e = await rejection(api('/customers'))
    expect([e.kind, e.status, e.code, e.retryAfter]).toEqual(['http', 503, 'http_503', 7])
  })

  it('refuses to guess when no base URL is set', async () => {
    saveSettings({ baseUrl: '', apiKey: KEY })
    expect((await rejection(api('/customers'))).message).toMatch(/No API base URL/)
  })
})
