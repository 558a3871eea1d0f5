// The API base URL as a person types it -> the URL routes are joined to, or why it cannot be one.

export type BaseUrl = { url: string; note: string | null } | { url: null; problem: string }

/** Paths people paste by mistake: a route of this API, not its base. */
const ROUTE_SUFFIX = /\/(customers(\/.*)?|health|openapi\.json|workflow(\/.*)?)$/

/** "https://x/api/" -> "https://x/api"; "x.com" is refused (it would become a path under this page's
 *  own origin); "https://x/api/customers" -> "https://x/api", with a note saying what was dropped. */
export function normalizeBaseUrl(raw: string): BaseUrl {
  const text = raw.trim()
  if (!text) return { url: null, problem: 'Enter the API base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/api.' }
  if (!/^https?:\/\//i.test(text))
    return { url: null, problem: `Add the scheme: https://${text.replace(/^\/+/, '')} (or http:// for a local API).` }
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return { url: null, problem: `“${text}” is not a URL.` }
  }
  const path = parsed.pathname.replace(/\/+$/, '')
  const route = path.match(ROUTE_SUFFIX)
  const base = parsed.origin + (route ? path.slice(0, route.index) : path)
  const dropped = [route?.[0], parsed.search, parsed.hash].filter(Boolean).join('')
  return { url: base, note: dropped ? `Dropped “${dropped}”: routes are added to the base URL.` : null }
}
