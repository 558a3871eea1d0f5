// What happened, in words a person understands: every feature reports through this, once (a toast).
import { ApiError } from '@/lib/api-client'

export type Outcome = { tone: 'ok' | 'info' | 'error'; text: string }

export const ok = (text: string): Outcome => ({ tone: 'ok', text })
export const info = (text: string): Outcome => ({ tone: 'info', text })
export const bad = (text: string): Outcome => ({ tone: 'error', text })

/** The API's messages are clauses ("retry shortly"): end them before the next sentence starts. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`)
const retryIn = (e: ApiError) => (e.retryAfter ? ` Try again in ${e.retryAfter} s.` : ' Try again shortly.')

/** `subject` is the customer ID the request was about, when there is one. */
export function failure(e: unknown, subject = ''): Outcome {
  const q = subject && ` “${subject}”`
  if (!(e instanceof ApiError)) return bad(String(e))
  if (e.kind === 'network') return bad(`Network error: ${e.message}`)
  if (e.kind === 'cors') return bad(`Blocked by CORS: ${e.message}`)
  if (e.kind === 'not_api') return bad(e.message)
  switch (e.code) {
    case 'insufficient_role':
      return bad(`Not allowed for your role: ${sentence(e.message)} Ask an admin if you need it.`)
    case 'unauthenticated':
      return bad('Not signed in: the API refused your session. Sign out, then sign in again.')
    case 'forbidden':
      return bad('Forbidden: the API refused the credential.')
    case 'not_found':
      return bad(`Not found: no customer ID${q}.`)
    case 'already_exists':
      return info(`Already exists: customer ID${q}.`)
    case 'invalid_id':
      return bad(`Invalid ID${q}: ${e.message}`)
    case 'idempotency_key_in_use':
      return bad(`Still working: the same request${q} is still running.${retryIn(e)}`)
    default:
      if (e.status === 503 || e.status === 429 || e.status === 504) return bad(`Service unavailable: ${sentence(e.message)}${retryIn(e)}`)
      return bad(`Failed (${e.status} ${e.code}): ${e.message}`)
  }
}
