import { describe, expect, it, vi } from 'vitest'
import { createCustomersBatch } from '@/features/customers/api/create-customers-batch'
import { installFakeApi } from '@/test/fake-api'

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
    const r = await createCustomersBatch(['r-1', 'r-2'], new AbortController().signal, () => {})
    expect(r.created).toEqual(['r-1', 'r-2'])
    const keys = fake.requests.filter((q) => q.method === 'POST').map((q) => q.headers.get('idempotency-key'))
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBeTruthy()
    expect(keys[1]).toBe(keys[0])
  })
})
