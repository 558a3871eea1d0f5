import { apiFor, isRetryable, unwrap } from '@/lib/api-client'
import { idempotencyHeader, newIdempotencyKey } from '@/lib/idempotency'
import type { components } from '@/types/api'
import { BATCH_MAX_IDS } from '@/types/limits'

export type BatchResult = components['schemas']['BatchCreateResult']
/** One POST of an import: its IDs and its Idempotency-Key, fixed when the import is planned, so a
 *  resumed import sends a chunk with the key it had the first time and nothing is written twice. */
export type Chunk = { ids: string[]; key: string }

// A chunk's retry (same key) skips the IDs its earlier attempts stored, so each one makes progress:
// a 1,000-ID chunk on a slow data store may need several 503s before its answer.
const CHUNK_ATTEMPTS = 8
// "Still running" (409 idempotency_key_in_use) is not a failure: the server is working on this very
// chunk. It is waited for as long as this, whatever the attempts, and then its answer is asked for.
const IN_PROGRESS_PATIENCE_MS = 60_000

/** `ids` in chunks of the API's batch limit (from the spec), each with its own key. */
export function planChunks(ids: string[]): Chunk[] {
  const chunks: Chunk[] = []
  for (let i = 0; i < ids.length; i += BATCH_MAX_IDS) chunks.push({ ids: ids.slice(i, i + BATCH_MAX_IDS), key: newIdempotencyKey() })
  return chunks
}

/** POST /customers/batch for one chunk; retried (bounded, same Idempotency-Key) while the API says it
 *  is busy or the reply was lost. Never aborted: only its answer says what the server stored. */
export async function sendChunk(chunk: Chunk): Promise<BatchResult> {
  const { client, baseUrl } = apiFor()
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await unwrap(client.POST('/customers/batch', {
        baseUrl, headers: idempotencyHeader(chunk.key), body: { ids: chunk.ids },
      }))
    } catch (e) {
      if (!isRetryable(e)) throw e
      const inProgress = e.code === 'idempotency_key_in_use'
      if (inProgress ? Date.now() - started > IN_PROGRESS_PATIENCE_MS : attempt >= CHUNK_ATTEMPTS) throw e
      await new Promise((r) => setTimeout(r, Math.min(5, e.retryAfter ?? attempt) * 1000))
    }
  }
}
