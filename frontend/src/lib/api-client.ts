// The single API client: calls typed by the generated paths (openapi-fetch's types), the base URL
// from settings, the signed-in person's access token (renewed and retried once on a 401), and every
// way a call can fail turned into one ApiError.
import type { Client } from 'openapi-fetch'
import { CognitoError } from '@/lib/cognito'
import { accessToken, tokenAfterRefusal } from '@/lib/session'
import { getSettings, type Settings } from '@/lib/settings'
import type { paths } from '@/types/api'

/** http: the API answered with an error; network: nothing answered; cors: something answered
 *  but the browser would not let this page read it; not_api: the URL answers, but not as this API. */
export type ApiErrorKind = 'http' | 'network' | 'cors' | 'not_api'

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** HTTP status, 0 when there was no readable response. */
    readonly status = 0,
    /** The API's snake_case code (invalid_id, forbidden, ...), `http_<status>` without one, else kind. */
    readonly code: string = kind,
    /** Seconds, from Retry-After (409 idempotency_key_in_use, 429, 503). */
    readonly retryAfter: number | null = null,
  ) {
    super(message)
  }
}

/** Errors that say "the connection is wrong" rather than "this request was wrong". */
export const isConnectionError = (e: unknown): e is ApiError => e instanceof ApiError && e.kind !== 'http'

/** fetch(), with the failures openapi-fetch cannot name turned into ApiErrors. */
async function guardedFetch(request: Request): Promise<Response> {
  let res: Response
  try {
    res = await fetch(request)
  } catch (e) {
    if (request.signal.aborted) throw e
    throw await unreadable(new URL(request.url).origin, request.url)
  }
  const type = res.headers.get('content-type') ?? ''
  // 2xx or 404 in HTML (an SPA's fallback page, a web server's own 404) means "not this API"; other
  // statuses without JSON (a gateway's 502/503 page) stay HTTP errors that keep their Retry-After.
  if (res.status !== 204 && !type.includes('json') && (res.ok || res.status === 404)) {
    const what = type.includes('html') ? 'HTML' : type ? type.split(';')[0] : 'a body without a content type'
    throw new ApiError('not_api', `This URL answers ${what}, not the Customer IDs API. Check the base URL.`, res.status)
  }
  return res
}

/** fetch() rejects alike for "nothing there" and "blocked by CORS". An opaque no-cors request
 *  tells them apart: it succeeds whenever a server answers, whatever its CORS headers. */
async function unreadable(origin: string, url: string): Promise<ApiError> {
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store' })
  } catch {
    return new ApiError('network', `Cannot reach the API at ${origin}. Is it running, and is the URL right?`)
  }
  return new ApiError(
    'cors',
    `${origin} answered, but the browser blocked the reply: the API does not allow this origin ` +
      `(${location.origin}), or a gateway refused the request without CORS headers.`,
  )
}

/** As the signed-in person: waits while nobody is (the sign-in form is up), and on a 401 renews the
 *  token and sends the request once more. The body is cloned first: a sent one cannot be re-read. */
async function authorizedFetch(request: Request): Promise<Response> {
  const again = request.clone()
  const token = await accessToken(request.signal)
  const res = await guardedFetch(bearer(request, token))
  if (res.status !== 401) return res
  let renewed: string
  try {
    renewed = await tokenAfterRefusal(token, request.signal)
  } catch (e) {
    throw e instanceof CognitoError ? new ApiError('network', e.message) : e
  }
  return guardedFetch(bearer(again, renewed))
}

function bearer(request: Request, token: string): Request {
  request.headers.set('Authorization', `Bearer ${token}`)
  return request
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE'
export type ApiClient = Pick<Client<paths>, Method>
type Init = {
  baseUrl: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal | null
  params?: { path?: Record<string, string>; query?: Record<string, unknown> }
}

/** openapi-fetch's typed interface over our own few lines: the library's runtime (its serializers
 *  for every OpenAPI parameter style, middleware, other body types) cost more of the console's size
 *  budget than sign-in needed; these routes take only simple path and query values and JSON. */
function typedClient(send: (request: Request) => Promise<Response>): ApiClient {
  const call = (method: Method) => async (path: string, { baseUrl, params, body, headers, signal }: Init) => {
    const url = new URL(baseUrl + path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params?.path?.[name] ?? '')))
    for (const [name, value] of Object.entries(params?.query ?? {})) if (value != null) url.searchParams.set(name, String(value))
    const json = body !== undefined
    const response = await send(new Request(url, {
      method, signal, body: json ? JSON.stringify(body) : undefined,
      headers: { ...(json && { 'Content-Type': 'application/json' }), ...headers },
    }))
    const text = response.status === 204 ? '' : await response.text()
    let parsed: unknown = undefined
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = text // a gateway's error page: unwrap() says the status
    }
    return response.ok ? { data: parsed, response } : { error: parsed, response }
  }
  return { GET: call('GET'), PUT: call('PUT'), POST: call('POST'), DELETE: call('DELETE') } as unknown as ApiClient
}

const anonymous = typedClient(guardedFetch)
const authorized = typedClient(authorizedFetch)

/** The typed client for `settings` (default: the saved ones). `auth: false` for the public routes
 *  (no token, so no CORS preflight). */
export function apiFor(settings: Settings = getSettings(), auth = true) {
  if (!settings.baseUrl) throw new ApiError('network', 'No API base URL is set: add it in the connection settings.')
  return { client: auth ? authorized : anonymous, baseUrl: settings.baseUrl }
}

/** Resolves in a task of its own. The first view's queries all start from the effects that run
 *  just after the first paint: each awaits this first, so their request building and fetch() calls
 *  run one per task rather than as one long task on a slow phone's main thread. */
export const ownTask = () => new Promise<void>((resolve) => setTimeout(resolve))

type Result<T> = { data?: T; error?: unknown; response: Response }

/** openapi-fetch's {data, error} -> data, or an ApiError with the API's code and message. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call
  if (response.ok) return data as T
  const detail = (error as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  throw new ApiError(
    'http',
    typeof detail?.message === 'string' ? detail.message : `The API answered ${response.status}.`,
    response.status,
    typeof detail?.code === 'string' ? detail.code : `http_${response.status}`,
    Number(response.headers.get('retry-after')) || null,
  )
}

/** Worth retrying with the same Idempotency-Key: the same request is still running (409), the API
 *  or gateway asked to come back (503, 429, 504), or nothing answered. */
export const isRetryable = (e: unknown): e is ApiError =>
  e instanceof ApiError &&
  (e.code === 'idempotency_key_in_use' || [429, 503, 504].includes(e.status) || e.kind === 'network')

/** Options for a write mutation: a bounded automatic retry, honouring Retry-After (at most 5 s). */
export const writeRetry = {
  retry: (count: number, e: Error) => count < 3 && isRetryable(e),
  retryDelay: (count: number, e: Error) =>
    Math.min(5000, ((e instanceof ApiError && e.retryAfter) || 2 ** count) * 1000),
}
