import { queryOptions } from '@tanstack/react-query'
import { ApiError, apiFor, ownTask, unwrap } from '@/lib/api-client'
import { normalizeBaseUrl } from '@/lib/base-url'
import type { AuthConfig } from '@/lib/cognito'
import type { Settings } from '@/lib/settings'
import type { components } from '@/types/api'

export type Health = components['schemas']['Health']
export type Check = { label: string; ok: boolean; detail: string }
/** What Test connection found, step by step; `health` and `auth` (where people sign in) only when
 *  every step passed. */
export type ConnectionReport = { ok: boolean; checks: Check[]; health: Health | null; auth: AuthConfig | null; settings: Settings }

const isHealth = (x: unknown): x is Health =>
  typeof x === 'object' && x !== null && (x as Health).status === 'ok' && typeof (x as Health).stage === 'string'

/** The URL, then /health and /auth/config (public: no token, no preflight), then, for a person
 *  signed in, an authenticated route (token + CORS preflight). Stops at the first failing step and
 *  says which one and why. */
export async function checkConnection(raw: Settings, signedIn = false): Promise<ConnectionReport> {
  const checks: Check[] = []
  const done = (health: Health | null = null, auth: AuthConfig | null = null): ConnectionReport => ({
    ok: checks.every((c) => c.ok), checks, health, auth, settings: raw,
  })
  const base = normalizeBaseUrl(raw.baseUrl)
  if (base.url === null) return (checks.push({ label: 'URL', ok: false, detail: base.problem }), done())
  const settings = { ...raw, baseUrl: base.url }
  checks.push({ label: 'URL', ok: true, detail: base.note ?? base.url })

  const { client, baseUrl } = apiFor(settings, false)
  let health: unknown, auth: AuthConfig
  try {
    health = await unwrap(client.GET('/health', { baseUrl }))
  } catch (e) {
    checks.push(stepFailure(e, 'Reachable'))
    return done()
  }
  if (!isHealth(health)) {
    checks.push({ label: 'Customer IDs API', ok: false, detail: 'This URL answers JSON, but not as the Customer IDs API (/health has no stage).' })
    return done()
  }
  checks.push({ label: 'Reachable', ok: true, detail: `Stage ${health.stage}, version ${health.version}.` })

  try {
    auth = await unwrap(client.GET('/auth/config', { baseUrl }))
  } catch (e) {
    checks.push(stepFailure(e, 'Sign-in settings'))
    return done()
  }
  checks.push({ label: 'Sign-in settings', ok: true, detail: `User pool ${auth.userPoolId}.` })
  if (!signedIn) return { ...done(health, auth), settings }

  const signed = apiFor(settings)
  try {
    await unwrap(signed.client.GET('/customers', { baseUrl, params: { query: { limit: 1 } } }))
  } catch (e) {
    // Our JSON answer to the signed request, read by the page, got past CORS and the token check: a
    // busy data store (503, 429, 504), or a person without a role, is not the connection's fault.
    if (!(e instanceof ApiError && e.kind === 'http' && ([429, 503, 504].includes(e.status) || e.code === 'insufficient_role'))) {
      checks.push(e instanceof ApiError && (e.kind === 'cors' || e.kind === 'network')
        ? { label: 'CORS', ok: false, detail: `/health answers, but the browser blocked the request carrying your token: the API does not allow this origin (${location.origin}) or the Authorization header.` }
        : stepFailure(e, 'Signed-in request'))
      return done()
    }
  }
  checks.push({ label: 'CORS', ok: true, detail: `The API allows ${location.origin}.` })
  return { ...done(health, auth), settings }
}

function stepFailure(e: unknown, label: string): Check {
  if (!(e instanceof ApiError)) throw e
  if (e.kind === 'network') return { label: 'Reachable', ok: false, detail: `Nothing answered. ${e.message}` }
  if (e.kind === 'cors') return { label: 'CORS', ok: false, detail: e.message }
  if (e.kind === 'not_api') return { label: 'Customer IDs API', ok: false, detail: e.message }
  return { label, ok: false, detail: `${e.status} ${e.code}: ${e.message}` }
}

/** The one connection state the header, banner, sign-in and settings dialog share. */
export const connectionQuery = (settings: Settings, signedIn = false) =>
  queryOptions({
    queryKey: ['connection', settings.baseUrl, signedIn],
    queryFn: async () => (await ownTask(), checkConnection(settings, signedIn)),
    staleTime: 5 * 60_000,
    retry: false,
    // Signing in checks again (with the token): the header keeps the last answer meanwhile.
    placeholderData: (last) => last,
  })
