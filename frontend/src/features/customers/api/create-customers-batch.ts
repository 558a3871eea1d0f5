import { apiFor, isRetryable, unwrap } from '@/lib/api-client'
import { idempotencyHeader, newIdempotencyKey } from '@/lib/idempotency'
import type { components } from '@/types/api'
import { BATCH_MAX_IDS } from '@/types/limits'

export type BatchResult = components['schemas']['BatchCreateResult']
export type BatchProgress = { sent: number; total: number; chunk: number; chunks: number }

// A chunk's retry (same key) skips the IDs its earlier attempts stored, so each one makes progress:
// a 1,000-ID chunk on a slow data store may need several 503s before its answer. Cancel stays open.
const CHUNK_ATTEMPTS = 8

/** POST /customers/batch for one chunk; retried (bounded, with the same Idempotency-Key) while the
 *  API says it is busy or the reply was lost, so a retry never creates anything twice. */
async function sendChunk(ids: string[], key: string, signal: AbortSignal): Promise<BatchResult> {
  const { client, baseUrl, headers } = apiFor()
  for (let attempt = 1; ; attempt++) {
    try {
      return await unwrap(client.POST('/customers/batch', {
        baseUrl, signal, headers: { ...headers, ...idempotencyHeader(key) }, body: { ids },
      }))
    } catch (e) {
      if (attempt >= CHUNK_ATTEMPTS || !isRetryable(e) || signal.aborted) throw e
      await new Promise((r) => setTimeout(r, Math.min(5, e.retryAfter ?? attempt) * 1000))
    }
  }
}

/** Sends `ids` in chunks of the API's batch limit, one after another, reporting progress. Stops
 *  between (or during) chunks when `signal` aborts; what was sent so far is in the result. */
export async function createCustomersBatch(
  ids: string[], signal: AbortSignal, onProgress: (p: BatchProgress) => void,
): Promise<BatchResult & { cancelled: boolean; unsent: number }> {
  const all: BatchResult = { created: [], existing: [], invalid: [] }
  const chunks = Math.ceil(ids.length / BATCH_MAX_IDS)
  for (let i = 0; i < chunks; i++) {
    if (signal.aborted) return { ...all, cancelled: true, unsent: ids.length - i * BATCH_MAX_IDS }
    onProgress({ sent: i * BATCH_MAX_IDS, total: ids.length, chunk: i + 1, chunks })
    let r: BatchResult
    try {
      r = await sendChunk(ids.slice(i * BATCH_MAX_IDS, (i + 1) * BATCH_MAX_IDS), newIdempotencyKey(), signal)
    } catch (e) {
      if (signal.aborted) return { ...all, cancelled: true, unsent: ids.length - i * BATCH_MAX_IDS }
      throw Object.assign(e as Error, { partial: all })
    }
    all.created.push(...r.created)
    all.existing.push(...r.existing)
    all.invalid.push(...r.invalid)
  }
  onProgress({ sent: ids.length, total: ids.length, chunk: chunks, chunks })
  return { ...all, cancelled: false, unsent: 0 }
}
