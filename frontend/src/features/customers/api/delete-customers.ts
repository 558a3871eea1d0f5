// Deleting many IDs. The API has no batch delete: each ID is its own DELETE, with its own
// Idempotency-Key, a few at a time (bounded, so a large file does not flood the API).
import { ApiError, isRetryable } from '@/lib/api-client'
import { newIdempotencyKey } from '@/lib/idempotency'
import { deleteCustomer } from '@/features/customers/api/customer-mutations'

export const DELETE_CONCURRENCY = 4
const ATTEMPTS = 4

export type DeleteTally = { deleted: string[]; missing: string[]; failed: { id: string; reason: string }[] }

/** One DELETE, retried with the same key while the API is busy or the answer was lost. A retry
 *  that finds the ID gone after a lost answer reports it missing: it is gone either way. */
async function deleteOne(id: string, key: string): Promise<'deleted' | 'missing'> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deleteCustomer({ id, key })
      return 'deleted'
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') return 'missing'
      if (attempt >= ATTEMPTS || !isRetryable(e)) throw e
      await new Promise((r) => setTimeout(r, Math.min(5, e.retryAfter ?? attempt) * 1000))
    }
  }
}

/** Deletes `ids`, DELETE_CONCURRENCY at a time; `stop()` is asked before each new request (those in
 *  flight finish and are counted). `onProgress` gets the tally after every answer. */
export async function deleteCustomers(ids: string[], onProgress: (t: DeleteTally) => void, stop: () => boolean): Promise<DeleteTally> {
  const tally: DeleteTally = { deleted: [], missing: [], failed: [] }
  const keys = new Map(ids.map((id) => [id, newIdempotencyKey()]))
  let next = 0
  const worker = async () => {
    while (next < ids.length && !stop()) {
      const id = ids[next++]!
      try {
        tally[await deleteOne(id, keys.get(id)!)].push(id)
      } catch (e) {
        tally.failed.push({ id, reason: e instanceof Error ? e.message : String(e) })
      }
      onProgress(tally)
    }
  }
  await Promise.all(Array.from({ length: DELETE_CONCURRENCY }, worker))
  return tally
}
