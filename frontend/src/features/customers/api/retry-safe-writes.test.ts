import { describe, expect, it, vi } from 'vitest'
import { planChunks, sendChunk } from '@/features/customers/api/create-customers-batch'
import { installFakeApi } from '@/test/fake-api'
import { BATCH_MAX_IDS } from '@/types/limits'

/** The fake answers the first POST with `status` (Retry-After: 1), then behaves. */
function busyOnce(status: number, code: string) {
  const fake = installFakeApi()
  const real = globalThis.fetch
  let first = true
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init)
    if (first && req.method === 'POST') {
      first = false
      fake.requests.push(req)
      return new Response(JSON.stringify({ error: { code, message: 'Busy.' } }), {
        status, headers: { 'content-type': 'application/json', 'retry-after': '1' },
      })
    }
    return real(req)
  })
  return fake
}

describe('retry-safe writes', () => {
  it.each([
    [409, 'idempotency_key_in_use'],
    [503, 'service_unavailable'],
  ])('retries a chunk after %i %s with the same Idempotency-Key', async (status, code) => {
    const fake = busyOnce(status, code)
    const [chunk] = planChunks(['r-1', 'r-2'])
    const r = await sendChunk(chunk!)
    expect(r.created).toEqual(['r-1', 'r-2'])
    const keys = fake.requests.filter((q) => q.method === 'POST').map((q) => q.headers.get('idempotency-key'))
    expect(keys).toEqual([chunk!.key, chunk!.key])
  })

  it('plans chunks of the API batch limit, each with its own key', () => {
    const chunks = planChunks(Array.from({ length: BATCH_MAX_IDS * 2 + 1 }, (_, i) => `id-${i}`))
    expect(chunks.map((c) => c.ids.length)).toEqual([BATCH_MAX_IDS, BATCH_MAX_IDS, 1])
    expect(new Set(chunks.map((c) => c.key)).size).toBe(3)
  })
})
