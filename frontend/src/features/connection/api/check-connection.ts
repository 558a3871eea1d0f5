import { queryOptions } from '@tanstack/react-query'
import { ApiError, apiFor, ownTask, unwrap } from '@/lib/api-client'
import { normalizeBaseUrl } from '@/lib/base-url'
import type { Settings } from '@/lib/settings'
import type { components } from '@/types/api'

export type Health = components['schemas']['Health']
export type Check = { label: string; ok: boolean; detail: string }
/** What Test connection found, step by step; `health` only when every step passed. */
export type ConnectionReport = { ok: boolean; checks: Check[]; health: Health | null; settings: Settings }

const isHealth = (x: unknown): x is Health =>
  typeof x === 'object' && x !== null && (x as Health).status === 'ok' && typeof (x as Health).stage === 'string'

/** The URL, then /health (public: no key, no preflight), then an authenticated route (key + CORS
 *  preflight). Stops at the first failing step and says which one and why. */
export async function checkConnection(raw: Settings): Promise<ConnectionReport> {
  const checks: Check[] = []
  const done = (health: Health | null = null): ConnectionReport => ({
    ok: checks.every((c) => c.ok), checks, health, settings: raw,
  })
  const base = normalizeBaseUrl(raw.baseUrl)
  if (base.url === null) return (checks.push({ label: 'URL', ok: false, detail: base.problem }), done())
  const settings = { ...raw, baseUrl: base.url }
  checks.push({ label: 'URL', ok: true, detail: base.note ?? base.url })

  const { client, baseUrl } = apiFor(settings, false)
  let health: unknown
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

  const auth = apiFor(settings)
  try {
    await unwrap(auth.client.GET('/customers', { baseUrl, headers: auth.headers, params: { query: { limit: 1 } } }))
  } catch (e) {
    // Our JSON answer to the keyed request, read by the page, got past CORS and the key check:
    // a busy data store (503, 429, 504) is not the connection's fault, and must not open Settings.
    if (e instanceof ApiError && e.kind === 'http' && [429, 503, 504].includes(e.status)) {
      checks.push({ label: 'CORS', ok: true, detail: `The API allows ${location.origin}.` })
      checks.push({ label: 'Key accepted', ok: true, detail: `The API took the key, but answered ${e.status}: ${e.message}` })
      return { ...done(health), settings }
    }
    if (e instanceof ApiError && (e.kind === 'cors' || e.kind === 'network'))
      checks.push({ label: 'CORS', ok: false, detail: `/health answers, but the browser blocked the request carrying the key: the API does not allow this origin (${location.origin}) or the x-api-key header.` })
    else checks.push(stepFailure(e, 'Key accepted'))
    return done()
  }
  checks.push({ label: 'CORS', ok: true, detail: `The API allows ${location.origin}.` })
  checks.push({ label: 'Key accepted', ok: true, detail: 'An authenticated request succeeded.' })
  return { ...done(health), settings }
}

function stepFailure(e: unknown, label: string): Check {
  if (!(e instanceof ApiError)) throw e
  if (e.kind === 'network') return { label: 'Reachable', ok: false, detail: `Nothing answered. ${e.message}` }
  if (e.kind === 'cors') return { label: 'CORS', ok: false, detail: e.message }
  if (e.kind === 'not_api') return { label: 'Customer IDs API', ok: false, detail: e.message }
  if (e.code === 'forbidden') return { label: 'Key accepted', ok: false, detail: 'The API refused this key (403 forbidden).' }
  return { label, ok: false, detail: `${e.status} ${e.code}: ${e.message}` }
}

/** The one connection state the header, banner and settings dialog share. */
export const connectionQuery = (settings: Settings) =>
  queryOptions({
    queryKey: ['connection', settings.baseUrl, settings.apiKey],
    queryFn: async () => (await ownTask(), checkConnection(settings)),
    staleTime: 5 * 60_000,
    retry: false,
  })
