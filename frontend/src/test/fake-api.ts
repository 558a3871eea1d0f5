// An in-memory stand-in for the Customer IDs API, installed as the global fetch: tests exercise the
// real client, hooks and components against the contract's status codes and error shape.
import { vi } from 'vitest'
import { saveSettings } from '@/lib/settings'

export const KEY = 'test-key'
export const BASE = 'http://api.test'
const RULE = /^[A-Za-z0-9_-]{3,64}$/

type Customer = { id: string; createdAt: string; source: 'api' | 'batch' | 'workflow' }
type Sub = { submissionId: string; id: string; status: string; outcome: string | null; error: null; submittedAt: string; updatedAt: string }

export type FakeApi = ReturnType<typeof installFakeApi>

/** `busy`: the data store is out: every keyed route answers 503 + Retry-After (the key is checked first). */
export function installFakeApi(mode: { down?: boolean; cors?: boolean; workflow?: boolean; busy?: boolean } = {}) {
  const state = { ...mode, customers: new Map<string, Customer>(), subs: new Map<string, Sub>(), requests: [] as Request[] }
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
  const error = (status: number, code: string, message: string) => json(status, { error: { code, message } })
  const add = (id: string, source: Customer['source']) =>
    state.customers.set(id, { id, createdAt: new Date(Date.UTC(2026, 10, 25)).toISOString(), source })

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const path = decodeURIComponent(url.pathname)
    if (path === '/health') return json(200, { status: 'ok', stage: 'test', version: '0.1.0' })
    if (path === '/openapi.json')
      return json(200, { openapi: '3.1.0', paths: { '/customers': {}, ...(state.workflow && { '/workflow/submit': {} }) } })
    if (req.headers.get('x-api-key') !== KEY) return error(403, 'forbidden', 'Missing or invalid API key.')
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
          add(id, 'batch')
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
      if (req.method === 'PUT') return c ? error(409, 'already_exists', 'Exists.') : json(201, add(id, 'api').get(id))
      if (!c) return error(404, 'not_found', 'No such customer.')
      if (req.method === 'DELETE') return (state.customers.delete(id), new Response(null, { status: 204 }))
      return json(200, c)
    }
    if (!state.workflow) return error(404, 'not_found', 'No such route.')
    if (path === '/workflow/submit') {
      const { id } = (await req.json()) as { id: string }
      if (!RULE.test(id)) return error(400, 'invalid_id', 'Not a valid customer ID.')
      const sub = { submissionId: `s${state.subs.size + 1}`, id, status: 'PENDING', outcome: null, error: null, submittedAt: '2026-11-25T00:00:00Z', updatedAt: '2026-11-25T00:00:00Z' }
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
      if (sub.outcome === 'inserted') add(sub.id, 'workflow')
    }
    return json(200, sub)
  }

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init)
    state.requests.push(req)
    if (state.down) throw new TypeError('Failed to fetch')
    if (state.cors) {
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 })
      throw new TypeError('Failed to fetch')
    }
    return handle(req)
  })
  vi.stubGlobal('fetch', fetchMock)
  saveSettings({ baseUrl: BASE, apiKey: KEY })
  return state
}
