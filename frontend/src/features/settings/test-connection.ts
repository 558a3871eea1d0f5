import { useMutation } from '@tanstack/react-query'
import { checkKey } from '@/features/settings/api/check-key'
import { getHealth } from '@/features/settings/api/get-health'
import { ApiError } from '@/lib/api-client'
import { failure, ok, type Outcome } from '@/lib/outcome'
import type { Settings } from '@/lib/settings'

const bad = (text: string): Outcome => ({ tone: 'error', text })

/** /health first (no key), then an authenticated route: says plainly which step failed and why. */
export async function testConnection(s: Settings): Promise<Outcome> {
  let health
  try {
    health = await getHealth(s)
  } catch (e) {
    if (!(e instanceof ApiError)) throw e
    if (e.kind === 'network') return bad(`Unreachable: nothing answered at ${s.baseUrl || '(no URL)'}. Is the API running, and is the URL right?`)
    if (e.kind === 'cors')
      return bad(`CORS: the API at ${s.baseUrl} answered, but does not allow this page's origin (${location.origin}).`)
    return bad(`Health check failed: ${e.message}`)
  }
  try {
    await checkKey(s)
  } catch (e) {
    if (e instanceof ApiError && e.code === 'forbidden')
      return bad('Wrong API key: /health answers, but the API refused the key.')
    if (e instanceof ApiError && e.kind === 'cors')
      return bad(`CORS: /health answers, but the browser blocked the request carrying the key (${e.message})`)
    return failure(e)
  }
  return ok(`Connected: stage ${health.stage}, version ${health.version}; the key works.`)
}

export const useTestConnection = () => useMutation({ mutationFn: testConnection })
