// The only place that reads VITE_* variables: parsed once, at import.

export type Env = { apiBaseUrl: string; apiKey: string }

export function parseEnv(raw: Record<string, string | undefined>): Env {
  return {
    apiBaseUrl: normalizeBaseUrl(raw.VITE_API_BASE_URL ?? ''),
    apiKey: (raw.VITE_API_KEY ?? '').trim(),
  }
}

/** "http://x/api/" -> "http://x/api": routes are joined as base + "/customers". */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '')
}

export const env: Env = parseEnv({
  VITE_API_BASE_URL: import.meta.env.VITE_API_BASE_URL,
  VITE_API_KEY: import.meta.env.VITE_API_KEY,
})
