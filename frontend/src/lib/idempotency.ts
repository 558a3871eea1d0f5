// One Idempotency-Key per user action: the same key on every retry of that action, so the API
// answers a retried write with the stored original answer instead of doing it twice.

/** A fresh random key. crypto.randomUUID exists only in secure contexts (https, localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** What a write mutation's variables carry: the subject and the action's key. */
export type Keyed<T> = T & { key: string }

export const idempotencyHeader = (key: string) => ({ 'Idempotency-Key': key })
