// An in-memory stand-in for the Customer IDs API and its Cognito user pool, installed as the global
// fetch: tests exercise the real client, session, hooks and components against the contract's status
// codes, error shape and role table, and Cognito's JSON API.
import { vi } from 'vitest'
import { type Role, ROLES } from '@/lib/roles'
import { resetSession, startSession } from '@/lib/session'
import { saveSettings } from '@/lib/settings'

export const BASE = 'http://api.test'
export const COGNITO = 'http://cognito.test/'
export const AUTH_CONFIG = { region: 'eu-west-1', userPoolId: 'eu-west-1_test', clientId: 'client-1', endpoint: COGNITO }
export const PASSWORD = 'Right-password-1'
/** Signs in with PASSWORD, then must choose a new password (NEW_PASSWORD_REQUIRED). */
export const NEWCOMER = 'newcomer'
const RULE = /^[A-Za-z0-9_-]{3,64}$/
/** The least role each route needs (the contract's table). */
const NEEDS: Record<string, Role> = { GET: 'viewer', PUT: 'operator', POST: 'operator', DELETE: 'admin' }

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
/** An unsigned JWT-shaped access token: the console reads its claims; this fake checks it by value. */
export function makeToken(username: string, lifeSeconds: number, n = 0): string {
  const iat = Math.floor(Date.now() / 1000)
  const groups = ROLES.includes(username as Role) ? [username] : []
  return [b64url({ alg: 'RS256', kid: 'test' }), b64url({ username, 'cognito:groups': groups, token_use: 'access', iat, exp: iat + lifeSeconds, n }), 'sig'].join('.')
}

type Actor = { kind: 'person' | 'key'; name: string }
type Customer = { id: string; createdAt: string; source: 'api' | 'batch' | 'workflow'; createdBy: Actor | null }
type Sub = { submissionId: string; id: string; status: string; outcome: string | null; error: null; submittedAt: string; updatedAt: string; submittedBy: Actor }

export type FakeApi = ReturnType<typeof installFakeApi>

type Mode = {
  down?: boolean; cors?: boolean; workflow?: boolean
  /** The data store is out: every signed route answers 503 + Retry-After (the token is checked first). */
  busy?: boolean
  /** Who is signed in when the test starts (default admin); null: nobody. */
  as?: Role | string | null
  /** Cognito answers 503 to everything. */
  cognitoDown?: boolean
}

export function installFakeApi(mode: Mode = {}) {
  const state = {
    ...mode, customers: new Map<string, Customer>(), subs: new Map<string, Sub>(), requests: [] as Request[],
    /** Access tokens the API accepts (until their exp), and refresh tokens Cognito does -> username. */
    accessTokens: new Set<string>(), refreshTokens: new Map<string, string>(), tokenLife: 3600, issued: 0,
    newcomerDone: false,
    /** The API's view of a user's role, when it differs from the token's group (changed since sign-in). */
    roles: new Map<string, Role>(),
    /** The app client rotates refresh tokens: each renewal answers a new one and revokes the old. */
    rotate: false,
    /** Cognito answers a renewal only once this resolves (a slow network), when set. */
    refreshGate: null as Promise<void> | null,
  }
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
  const error = (status: number, code: string, message: string) => json(status, { error: { code, message } })
  const add = (id: string, source: Customer['source'], name = 'operator') =>
    state.customers.set(id, { id, createdAt: new Date(Date.UTC(2026, 10, 25)).toISOString(), source, createdBy: { kind: 'person', name } })

  const issue = (username: string) => {
    const accessToken = makeToken(username, state.tokenLife, state.issued++)
    state.accessTokens.add(accessToken)
    return accessToken
  }
  /** Signs `username` in as the sign-in form would, without typing. */
  const signIn = (username: string) => {
    const refreshToken = `refresh-${username}-${state.issued}`
    state.refreshTokens.set(refreshToken, username)
    startSession(AUTH_CONFIG, { accessToken: issue(username), refreshToken })
  }

  async function cognito(req: Request): Promise<Response> {
    if (state.cognitoDown) return new Response('<html>503</html>', { status: 503, headers: { 'content-type': 'text/html' } })
    const body = (await req.json()) as Record<string, Record<string, string> | string>
    const amz = (type: string, message: string) => json(400, { __type: type, message })
    const params = (body.AuthParameters ?? body.ChallengeResponses ?? {}) as Record<string, string>
    const tokens = (username: string) => {
      const refreshToken = `refresh-${username}-${state.issued}`
      state.refreshTokens.set(refreshToken, username)
      return json(200, { AuthenticationResult: { AccessToken: issue(username), RefreshToken: refreshToken, ExpiresIn: state.tokenLife, TokenType: 'Bearer' }, ChallengeParameters: {} })
    }
    switch (`${req.headers.get('x-amz-target')} ${String(body.AuthFlow ?? body.ChallengeName ?? '')}`) {
      case 'AWSCognitoIdentityProviderService.InitiateAuth USER_PASSWORD_AUTH': {
        const user = params.USERNAME!
        if (![...ROLES, NEWCOMER, 'nobody'].includes(user)) return amz('UserNotFoundException', 'User does not exist.')
        if (params.PASSWORD !== PASSWORD) return amz('NotAuthorizedException', 'Incorrect username or password.')
        if (user === NEWCOMER && !state.newcomerDone)
          return json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'challenge-session', ChallengeParameters: { USER_ID_FOR_SRP: user } })
        return tokens(user)
      }
      case 'AWSCognitoIdentityProviderService.InitiateAuth REFRESH_TOKEN_AUTH': {
        await state.refreshGate
        const user = state.refreshTokens.get(params.REFRESH_TOKEN!)
        if (!user) return amz('NotAuthorizedException', 'Refresh Token has been revoked')
        if (state.rotate) {
          state.refreshTokens.delete(params.REFRESH_TOKEN!)
          return tokens(user)
        }
        return json(200, { AuthenticationResult: { AccessToken: issue(user), ExpiresIn: state.tokenLife, TokenType: 'Bearer' }, ChallengeParameters: {} })
      }
      case 'AWSCognitoIdentityProviderService.RespondToAuthChallenge NEW_PASSWORD_REQUIRED': {
        if (body.Session !== 'challenge-session' || params.USERNAME !== NEWCOMER) return amz('NotAuthorizedException', 'Invalid session for the user.')
        if ((params.NEW_PASSWORD ?? '').length < 8) return amz('InvalidPasswordException', 'Password does not conform to policy: Password not long enough')
        state.newcomerDone = true
        return tokens(NEWCOMER)
      }
      case 'AWSCognitoIdentityProviderService.GlobalSignOut ': {
        const user = usernameOf(String(body.AccessToken))
        if (!user) return amz('NotAuthorizedException', 'Access Token has been revoked')
        for (const [t, u] of state.refreshTokens) if (u === user) state.refreshTokens.delete(t)
        return json(200, {})
      }
    }
    return amz('InvalidParameterException', 'Unsupported call.')
  }

  /** The username of a token the API accepts now, else null. */
  function usernameOf(token: string): string | null {
    if (!state.accessTokens.has(token)) return null
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { username: string; exp: number }
    return claims.exp * 1000 > Date.now() ? claims.username : null
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    if (url.href.startsWith(COGNITO)) return cognito(req)
    const path = decodeURIComponent(url.pathname)
    if (path === '/health') return json(200, { status: 'ok', stage: 'test', version: '0.1.0' })
    if (path === '/auth/config') return json(200, AUTH_CONFIG)
    if (path === '/openapi.json')
      return json(200, { openapi: '3.1.0', paths: { '/customers': {}, ...(state.workflow && { '/workflow/submit': {} }) } })
    const auth = req.headers.get('authorization') ?? ''
    const user = auth.startsWith('Bearer ') ? usernameOf(auth.slice(7)) : null
    if (!user) return new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'Sign in: a valid access token is required.' } }),
      { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' } })
    const role = ROLES.indexOf(state.roles.get(user) ?? (user as Role))
    if (role < ROLES.indexOf(NEEDS[req.method]!)) return error(403, 'insufficient_role', `Your role may not ${req.method} ${path}.`)
    if (state.busy)
      return json(503, { error: { code: 'service_unavailable', message: 'the data store did not answer in time; retry shortly' } }, { 'retry-after': '1' })
    if (path === '/customers' && req.method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? ''
      const limit = Number(url.searchParams.get('limit') ?? 25)
      const after = url.searchParams.get('cursor') ?? ''
      const all = [...state.customers.values()].filter((c) => c.id.startsWith(prefix) && c.id > after)
      all.sort((a, b) => (a.id < b.id ? -1 : 1))
      const items = all.slice(0, limit)
      return json(200, { items, nextCursor: all.length > limit ? items.at(-1)!.id : null, cutShort: false })
    }
    if (path === '/customers/batch' && req.method === 'POST') {
      const { ids } = (await req.json()) as { ids: string[] }
      const out = { created: [] as string[], existing: [] as string[], invalid: [] as { id: string; reason: string }[] }
      for (const id of new Set(ids)) {
        if (!RULE.test(id)) out.invalid.push({ id, reason: 'does not match the ID rule' })
        else if (state.customers.has(id)) out.existing.push(id)
        else {
          add(id, 'batch', user)
          out.created.push(id)
        }
      }
      return json(200, out)
    }
    const one = path.match(/^\/customers\/(.+)$/)
    if (one) {
      const id = one[1]!
      if (!RULE.test(id)) return error(400, 'invalid_id', 'IDs are 3-64 letters, digits, _ or -.')
      const c = state.customers.get(id)
      if (req.method === 'PUT') return c ? error(409, 'already_exists', 'Exists.') : json(201, add(id, 'api', user).get(id))
      if (!c) return error(404, 'not_found', 'No such customer.')
      if (req.method === 'DELETE') return (state.customers.delete(id), new Response(null, { status: 204 }))
      return json(200, c)
    }
    if (!state.workflow) return error(404, 'not_found', 'No such route.')
    if (path === '/workflow/submit') {
      const { id } = (await req.json()) as { id: string }
      if (!RULE.test(id)) return error(400, 'invalid_id', 'Not a valid customer ID.')
      const sub = { submissionId: `s${state.subs.size + 1}`, id, status: 'PENDING', outcome: null, error: null, submittedAt: '2026-11-25T00:00:00Z', updatedAt: '2026-11-25T00:00:00Z', submittedBy: { kind: 'person' as const, name: user } }
      state.subs.set(sub.submissionId, sub)
      return json(202, { submissionId: sub.submissionId, id, status: 'accepted' })
    }
    if (path === '/workflow/submissions') return json(200, { items: [...state.subs.values()].reverse() })
    const sub = state.subs.get(path.replace('/workflow/submissions/', ''))
    if (!sub) return error(404, 'not_found', 'No such submission.')
    // Each read moves it one step: PENDING -> RUNNING -> SUCCEEDED (inserted | already_exists).
    if (sub.status === 'PENDING') sub.status = 'RUNNING'
    else if (sub.status === 'RUNNING') {
      sub.status = 'SUCCEEDED'
      sub.outcome = state.customers.has(sub.id) ? 'already_exists' : 'inserted'
      if (sub.outcome === 'inserted') add(sub.id, 'workflow', sub.submittedBy.name)
    }
    return json(200, sub)
  }

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init)
    state.requests.push(req.clone())
    if (state.down) throw new TypeError('Failed to fetch')
    if (state.cors) {
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 })
      throw new TypeError('Failed to fetch')
    }
    return handle(req)
  })
  vi.stubGlobal('fetch', fetchMock)
  saveSettings({ baseUrl: BASE })
  resetSession()
  const as = mode.as === undefined ? 'admin' : mode.as
  if (as) signIn(as)
  return Object.assign(state, { signIn })
}
