// The only place that reads VITE_* variables: parsed once, at import.
import { normalizeBaseUrl } from '@/lib/base-url'

export type Env = { apiBaseUrl: string; apiKey: string }

export function parseEnv(raw: Record<string, string | undefined>): Env {
  const base = normalizeBaseUrl(raw.VITE_API_BASE_URL ?? '')
  return { apiBaseUrl: base.url ?? (raw.VITE_API_BASE_URL ?? '').trim(), apiKey: (raw.VITE_API_KEY ?? '').trim() }
}

export const env: Env = parseEnv({
  VITE_API_BASE_URL: import.meta.env.VITE_API_BASE_URL,
  VITE_API_KEY: import.meta.env.VITE_API_KEY,
})
