// The only place that reads VITE_* variables: parsed once, at import.
import { normalizeBaseUrl } from '@/lib/base-url'

/** Only the API's URL: a person signs in, so no credential is ever built into the console. */
export type Env = { apiBaseUrl: string }

export function parseEnv(raw: Record<string, string | undefined>): Env {
  const base = normalizeBaseUrl(raw.VITE_API_BASE_URL ?? '')
  return { apiBaseUrl: base.url ?? (raw.VITE_API_BASE_URL ?? '').trim() }
}

export const env: Env = parseEnv({
  VITE_API_BASE_URL: import.meta.env.VITE_API_BASE_URL,
})
