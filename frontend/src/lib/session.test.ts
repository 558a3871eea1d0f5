import { afterEach, describe, expect, it, vi } from 'vitest'
import { accessToken, getSession, resetSession, restoreSession, signOut } from '@/lib/session'
import { AUTH_CONFIG, COGNITO, installFakeApi } from '@/test/fake-api'

const target = (r: Request) => r.headers.get('x-amz-target')?.replace('AWSCognitoIdentityProviderService.', '')
const cognitoCalls = (requests: Request[]) => requests.filter((r) => r.url === COGNITO).map(target)
/** Lets the fake's fetch chain (body reads, JSON) finish: those run on real macrotasks (Node's
 *  setImmediate, which the fake timers leave alone). */
const { setImmediate } = globalThis as unknown as { setImmediate: (f: (v?: unknown) => void) => void }
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r))
}
const storedEverywhere = () => [...Object.values({ ...localStorage }), ...Object.values({ ...sessionStorage })].join(' ')

afterEach(() => vi.useRealTimers())

describe('session: tokens', () => {
  it('renews the access token before it expires, timed by the token’s own life, again and again', async () => {
    // GIVEN a viewer signed in with a token that lives an hour
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = installFakeApi({ as: 'viewer' })
    const first = await accessToken()
    // WHEN 55 minutes pass, less a millisecond THEN nothing was renewed yet
    await vi.advanceTimersByTimeAsync(55 * 60_000 - 1)
    await settle()
    expect(cognitoCalls(fake.requests)).toEqual([])
    // WHEN the last millisecond passes THEN it is renewed (5 min before expiry), and used from then on
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(cognitoCalls(fake.requests)).toEqual(['InitiateAuth'])
    const second = await accessToken()
    expect(second).not.toBe(first)
    // AND the renewed one is renewed in its turn
    await vi.advanceTimersByTimeAsync(55 * 60_000)
    await settle()
    expect(cognitoCalls(fake.requests)).toEqual(['InitiateAuth', 'InitiateAuth'])
    expect(await accessToken()).not.toBe(second)
  })

  it('renews a short-lived token when a quarter of its life is left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = installFakeApi({ as: null })
    fake.tokenLife = 600
    fake.signIn('viewer')
    await vi.advanceTimersByTimeAsync(449_999)
    await settle()
    expect(cognitoCalls(fake.requests)).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(cognitoCalls(fake.requests)).toEqual(['InitiateAuth'])
  })

  it('keeps the refresh token in sessionStorage only, and the access token in no storage at all', async () => {
    installFakeApi({ as: 'operator' })
    const token = await accessToken()
    expect(Object.keys(sessionStorage)).toEqual(['cid.session'])
    expect(JSON.parse(sessionStorage.getItem('cid.session')!)).toEqual({ clientId: AUTH_CONFIG.clientId, refreshToken: expect.stringMatching(/^refresh-/) })
    expect(localStorage.getItem('cid.session')).toBeNull()
    expect(storedEverywhere()).not.toContain(token)
    expect(JSON.stringify({ ...localStorage })).not.toContain('refresh-')
  })

  it('after a reload, signs back in from the refresh token of this browser session', async () => {
    // GIVEN an operator signed in, and the page reloaded (memory gone, sessionStorage kept)
    const fake = installFakeApi({ as: 'operator' })
    resetSession()
    expect(getSession().status).toBe('restoring')
    // WHEN the API's sign-in settings are known
    await restoreSession(AUTH_CONFIG)
    // THEN the same person is signed in again, with a new access token
    expect(getSession()).toMatchObject({ status: 'signed-in', username: 'operator', role: 'operator' })
    expect(cognitoCalls(fake.requests)).toEqual(['InitiateAuth'])
  })

  it('after a reload, a refresh token of another pool client or a revoked one signs nobody in', async () => {
    const fake = installFakeApi({ as: 'operator' })
    resetSession()
    await restoreSession({ ...AUTH_CONFIG, clientId: 'another-client' })
    expect(getSession().status).toBe('signed-out')
    expect(sessionStorage.length).toBe(0)

    fake.signIn('admin')
    fake.refreshTokens.clear()
    resetSession()
    await restoreSession(AUTH_CONFIG)
    expect(getSession()).toMatchObject({ status: 'signed-out', username: '' })
    expect(sessionStorage.length).toBe(0)
  })
})

describe('session: renewal edge cases', () => {
  it('keeps the new refresh token when the app client rotates them', async () => {
    const fake = installFakeApi({ as: 'viewer' })
    fake.rotate = true
    const first = JSON.parse(sessionStorage.getItem('cid.session')!).refreshToken as string
    fake.accessTokens.clear()
    const { apiFor, unwrap } = await import('@/lib/api-client')
    const { client, baseUrl } = apiFor()
    await unwrap(client.GET('/customers', { baseUrl }))
    const second = JSON.parse(sessionStorage.getItem('cid.session')!).refreshToken as string
    expect(second).not.toBe(first)
    expect(fake.refreshTokens.has(second)).toBe(true)
    // AND the next renewal works with it
    fake.accessTokens.clear()
    await unwrap(client.GET('/customers', { baseUrl }))
    expect(getSession().status).toBe('signed-in')
  })

  it('never sends a request of the last person as the next one when they sign out mid-renewal', async () => {
    // GIVEN an operator's request refused (401) while Cognito is slow to renew
    const fake = installFakeApi({ as: 'operator' })
    let release = () => {}
    fake.refreshGate = new Promise((r) => (release = r))
    fake.accessTokens.clear()
    const { apiFor, unwrap } = await import('@/lib/api-client')
    const { client, baseUrl } = apiFor()
    const pending = unwrap(client.PUT('/customers/{id}', { baseUrl, params: { path: { id: 'not-theirs' } } }))
    await expect.poll(() => fake.requests.filter((r) => r.url === COGNITO).length).toBe(1)
    // WHEN they sign out, the renewal then answers, and an admin signs in
    await signOut()
    release()
    await expect(pending).rejects.toThrow('Signed out.')
    expect(getSession().status).toBe('signed-out')
    expect(sessionStorage.length).toBe(0)
    fake.signIn('admin')
    // THEN the operator's write was never sent again, and the renewal signed nobody back in
    expect(fake.customers.has('not-theirs')).toBe(false)
    expect(getSession().username).toBe('admin')
  })
})

describe('session: sign-out', () => {
  it('revokes with GlobalSignOut, then forgets everything and ends what waited for a token', async () => {
    // GIVEN an admin signed in, and their refresh token the pool knows
    const fake = installFakeApi({ as: 'admin' })
    const token = await accessToken()
    // WHEN they sign out
    expect(await signOut()).toBe(true)
    // THEN Cognito was told, with their access token, and revoked their refresh tokens
    const call = fake.requests.find((r) => target(r) === 'GlobalSignOut')!
    expect(call.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(await call.clone().json()).toEqual({ AccessToken: token })
    expect(fake.refreshTokens.size).toBe(0)
    // AND nothing of the session is left here; a request now waits for the next sign-in
    expect(getSession()).toMatchObject({ status: 'signed-out', username: '', role: null, generation: 1 })
    expect(sessionStorage.length).toBe(0)
    const waiting = accessToken()
    fake.signIn('viewer')
    expect(await waiting).not.toBe(token)
  })

  it('forgets everything even when GlobalSignOut fails, and says it failed', async () => {
    const fake = installFakeApi({ as: 'admin', cognitoDown: true })
    expect(await signOut()).toBe(false)
    expect(getSession().status).toBe('signed-out')
    expect(sessionStorage.length).toBe(0)
    expect(fake.refreshTokens.size).toBe(1) // still valid at the pool: hence the message
  })

  it('rejects the requests that were waiting for this person’s token', async () => {
    const fake = installFakeApi({ as: 'operator' })
    fake.accessTokens.clear()
    fake.refreshTokens.clear()
    const { apiFor, unwrap } = await import('@/lib/api-client')
    const { client, baseUrl } = apiFor()
    const pending = unwrap(client.PUT('/customers/{id}', { baseUrl, params: { path: { id: 'never-sent' } } }))
    await expect.poll(() => getSession().status).toBe('expired')
    await signOut()
    await expect(pending).rejects.toThrow('Signed out.')
    expect(fake.customers.has('never-sent')).toBe(false)
  })
})
