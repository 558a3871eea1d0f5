import { describe, expect, it } from 'vitest'
import { ApiError, apiFor, unwrap } from '@/lib/api-client'
import { saveSettings } from '@/lib/settings'
import { BASE, installFakeApi, KEY } from '@/test/fake-api'

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as ApiError)
const get = async (path: '/customers' | '/health', auth = true) => {
  const { client, baseUrl, headers } = apiFor(undefined, auth)
  return unwrap(client.GET(path, { baseUrl, headers }))
}
const put = (id: string) => {
  const { client, baseUrl, headers } = apiFor()
  return unwrap(client.PUT('/customers/{id}', { baseUrl, headers, params: { path: { id } } }))
}

describe('api client', () => {
  it('joins the base URL and sends the key on authenticated routes only', async () => {
    const fake = installFakeApi()
    await get('/health', false)
    await get('/customers')
    expect(fake.requests.map((r) => [r.url, r.headers.get('x-api-key')])).toEqual([
      [`${BASE}/health`, null],
      [`${BASE}/customers`, KEY],
    ])
  })

  it('turns the error shape into an http ApiError with status and code', async () => {
    installFakeApi()
    await put('abc')
    const e = await rejection(put('abc'))
    expect(e).toBeInstanceOf(ApiError)
    expect([e.kind, e.status, e.code]).toEqual(['http', 409, 'already_exists'])
  })

  it('reports a wrong key as forbidden, not as a network error', async () => {
    installFakeApi()
    saveSettings({ baseUrl: BASE, apiKey: 'wrong' })
    const e = await rejection(get('/customers'))
    expect([e.kind, e.status, e.code]).toEqual(['http', 403, 'forbidden'])
  })

  it('says network when nothing answers, cors when something answers unreadably', async () => {
    const fake = installFakeApi({ down: true })
    expect((await rejection(get('/customers'))).kind).toBe('network')
    fake.down = false
    fake.cors = true
    const e = await rejection(get('/customers'))
    expect(e.kind).toBe('cors')
    expect(e.message).toContain(location.origin)
  })

  it('names a URL that answers HTML instead of JSON', async () => {
    installFakeApi()
    globalThis.fetch = async () => new Response('<!doctype html><p>app</p>', { status: 200, headers: { 'content-type': 'text/html' } })
    const e = await rejection(get('/health', false))
    expect([e.kind, e.message]).toEqual(['not_api', 'This URL answers HTML, not the Customer IDs API. Check the base URL.'])
  })

  it('keeps a gateway error page an HTTP error and reads Retry-After', async () => {
    installFakeApi()
    globalThis.fetch = async () => new Response('<html>busy</html>', { status: 503, headers: { 'retry-after': '7', 'content-type': 'text/html' } })
    const e = await rejection(get('/customers'))
    expect([e.kind, e.status, e.code, e.retryAfter]).toEqual(['http', 503, 'http_503', 7])
  })

  it('refuses to guess when no base URL is set', async () => {
    saveSettings({ baseUrl: '', apiKey: KEY })
    expect((await rejection(get('/customers'))).message).toMatch(/No API base URL/)
  })
})
