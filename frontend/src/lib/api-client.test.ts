import { describe, expect, it } from 'vitest'
import { ApiError, apiFor, unwrap } from '@/lib/api-client'
import { accessToken, getSession } from '@/lib/session'
import { saveSettings } from '@/lib/settings'
import { BASE, COGNITO, installFakeApi } from '@/test/fake-api'

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as ApiError)
const get = async (path: '/customers' | '/health', auth = true) => {
  const { client, baseUrl } = apiFor(undefined, auth)
  return unwrap(client.GET(path, { baseUrl }))
}
const put = (id: string) => {
  const { client, baseUrl } = apiFor()
  return unwrap(client.PUT('/customers/{id}', { baseUrl, params: { path: { id } } }))
}
const batch = (ids: string[]) => {
  const { client, baseUrl } = apiFor()
  return unwrap(client.POST('/customers/batch', { baseUrl, body: { ids } }))
}
const bearer = (r: Request) => r.headers.get('authorization')
const apiCalls = (requests: Request[]) => requests.filter((r) => r.url.startsWith(BASE))
const refreshes = (requests: Request[]) => requests.filter((r) => r.url === COGNITO)

describe('api client', () => {
  it('joins the base URL and sends the access token on signed routes only, never a key', async () => {
    const fake = installFakeApi({ as: 'viewer' })
    await get('/health', false)
    await get('/customers')
    expect(fake.requests.map((r) => [r.url, bearer(r)])).toEqual([
      [`${BASE}/health`, null],
      [`${BASE}/customers`, `Bearer ${await accessToken()}`],
    ])
    expect(fake.requests.some((r) => r.headers.has('x-api-key'))).toBe(false)
  })

  it('on a 401 renews the token once and sends the same request again, body included', async () => {
    // GIVEN an operator whose access token the API no longer accepts (revoked, or expired early)
    const fake = installFakeApi({ as: 'operator' })
    fake.accessTokens.clear()
    // WHEN they send a batch
    const out = await batch(['aaa', 'bbb'])
    // THEN the API saw it twice: refused, then with a renewed token and the same body
    const [refused, retried] = apiCalls(fake.requests).map((r) => bearer(r)!.slice('Bearer '.length))
    expect(fake.accessTokens.has(refused!)).toBe(false)
    expect(fake.accessTokens.has(retried!)).toBe(true)
    expect(out.created).toEqual(['aaa', 'bbb'])
    expect(refreshes(fake.requests)).toHaveLength(1)
    expect(getSession().status).toBe('signed-in')
  })

  it('renews once for many requests refused together', async () => {
    const fake = installFakeApi({ as: 'viewer' })
    fake.accessTokens.clear()
    await Promise.all([get('/customers'), get('/customers'), get('/customers')])
    expect(refreshes(fake.requests)).toHaveLength(1)
    expect(apiCalls(fake.requests)).toHaveLength(6)
  })

  it('when the renewal is refused, the request waits for the person to sign in again, then goes out', async () => {
    // GIVEN a session whose access and refresh tokens were both revoked
    const fake = installFakeApi({ as: 'operator' })
    fake.accessTokens.clear()
    fake.refreshTokens.clear()
    // WHEN a write is sent
    const pending = put('kept-1')
    // THEN the session says it expired (the sign-in shows), and the write waits
    await expect.poll(() => getSession().status).toBe('expired')
    expect(getSession().username).toBe('operator')
    expect(fake.customers.has('kept-1')).toBe(false)
    // AND once they sign in again it goes out, once
    fake.signIn('operator')
    expect((await pending).id).toBe('kept-1')
    expect(apiCalls(fake.requests).filter((r) => r.method === 'PUT')).toHaveLength(2)
  })

  it('says so when the token cannot be renewed because the sign-in service is down', async () => {
    const fake = installFakeApi({ as: 'viewer', cognitoDown: true })
    fake.accessTokens.clear()
    const e = await rejection(get('/customers'))
    expect([e.kind, e.message]).toEqual(['network', 'Your session needs renewing, but the sign-in service cannot be reached. Try again shortly.'])
    expect(getSession().status).toBe('signed-in')
  })

  it('reports a role that may not do it as 403 insufficient_role', async () => {
    installFakeApi({ as: 'viewer' })
    const e = await rejection(put('abc'))
    expect([e.kind, e.status, e.code]).toEqual(['http', 403, 'insufficient_role'])
  })

  it('turns the error shape into an http ApiError with status and code', async () => {
    installFakeApi()
    await put('abc')
    const e = await rejection(put('abc'))
    expect(e).toBeInstanceOf(ApiError)
    expect([e.kind, e.status, e.code]).toEqual(['http', 409, 'already_exists'])
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
    saveSettings({ baseUrl: '' })
    expect((await rejection(get('/customers'))).message).toMatch(/No API base URL/)
  })
})
