// What happened, in words a person understands: every feature reports through this.
import { ApiError } from '@/lib/api-client'

export type Outcome = { tone: 'ok' | 'info' | 'error'; text: string }

export const ok = (text: string): Outcome => ({ tone: 'ok', text })
export const info = (text: string): Outcome => ({ tone: 'info', text })

/** `subject` is the customer ID the request was about, when there is one. */
export function failure(e: unknown, subject = ''): Outcome {
  const q = subject && ` “${subject}”`
  if (!(e instanceof ApiError)) return { tone: 'error', text: String(e) }
  const text =
    e.kind === 'network'
      ? `Network error: ${e.message}`
      : e.kind === 'cors'
        ? `Blocked by CORS: ${e.message}`
        : e.code === 'forbidden'
          ? 'Forbidden: the API refused the key. Check it in Settings.'
          : e.code === 'not_found'
            ? `Not found: no customer ID${q}.`
            : e.code === 'already_exists'
              ? `Already exists: customer ID${q}.`
              : e.code === 'invalid_id'
                ? `Invalid ID${q}: ${e.message}`
                : e.status === 503
                  ? `Service unavailable: ${e.message}${e.retryAfter ? ` Try again in ${e.retryAfter} s.` : ''}`
                  : `Failed (${e.status} ${e.code}): ${e.message}`
  return { tone: e.code === 'already_exists' ? 'info' : 'error', text }
}
