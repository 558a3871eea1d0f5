// The single fetch wrapper: base URL and x-api-key from settings, the API's error shape -> ApiError.
import { getSettings, type Settings } from '@/lib/settings'

/** http: the API answered with an error; network: nothing answered; cors: something answered
 *  but the browser would not let this page read it (wrong origin, or a gateway without CORS). */
export type ApiErrorKind = 'http' | 'network' | 'cors'

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** HTTP status, 0 when there was no readable response. */
    readonly status = 0,
    /** The API's snake_case code (invalid_id, forbidden, ...), `http_<status>` without one, else kind. */
    readonly code: string = kind,
    /** Seconds, from Retry-After (503). */
    readonly retryAfter: number | null = null,
  ) {
    super(message)
  }
}

export type RequestOptions = {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE'
  body?: unknown
  /** false for the public routes (/health): no key is sent, so no preflight either. */
  auth?: boolean
  settings?: Settings
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, auth = true, settings = getSettings() } = opts
  const base = settings.baseUrl.trim().replace(/\/+$/, '')
  if (!base) throw new ApiError('network', 'No API base URL is set: add it in Settings.')
  const headers: Record<string, string> = {}
  if (auth) headers['x-api-key'] = settings.apiKey
  if (body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw await unreadable(base)
  }
  const data: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined)
  if (res.ok) return data as T
  const err = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  const retryAfter = Number(res.headers.get('retry-after')) || null
  throw new ApiError(
    'http',
    typeof err?.message === 'string' ? err.message : `The API answered ${res.status}.`,
    res.status,
    typeof err?.code === 'string' ? err.code : `http_${res.status}`,
    retryAfter,
  )
}

/** fetch() rejects alike for "nothing there" and "blocked by CORS". An opaque no-cors request
 *  tells them apart: it succeeds whenever a server answers, whatever its CORS headers. */
async function unreadable(baseUrl: string): Promise<ApiError> {
  try {
    await fetch(baseUrl + '/health', { mode: 'no-cors', cache: 'no-store' })
  } catch {
    return new ApiError('network', `Cannot reach the API at ${baseUrl}. Is it running, and is the URL right?`)
  }
  return new ApiError(
    'cors',
    `${baseUrl} answered, but the browser blocked the reply: it does not allow this origin ` +
      `(${location.origin}), or a gateway refused the request without CORS headers.`,
  )
}
