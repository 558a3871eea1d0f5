// The API base URL: the build's (config/env), or a person's choice kept in localStorage. Only the
// URL: an API key was kept here in plain text before people signed in, and is removed on load.
import { useSyncExternalStore } from 'react'
import { env } from '@/config/env'

export type Settings = { baseUrl: string }

const KEY = 'cid.settings'
const listeners = new Set<() => void>()
let current = load()

function saved(): Partial<Settings> | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as (Partial<Settings> & { apiKey?: unknown }) | null
    if (s && 'apiKey' in s) forgetOldKey(s)
    return typeof s?.baseUrl === 'string' ? { baseUrl: s.baseUrl } : null
  } catch {
    return null
  }
}

/** Settings saved by an older console held the API key in plain text: keep only the URL. */
function forgetOldKey(s: Partial<Settings>) {
  if (typeof s.baseUrl === 'string') localStorage.setItem(KEY, JSON.stringify({ baseUrl: s.baseUrl }))
  else localStorage.removeItem(KEY)
}

function load(): Settings {
  return { baseUrl: env.apiBaseUrl, ...saved() }
}

export const getSettings = (): Settings => current

/** Reads the stored settings again, as a page load does (tests: what an older console left). */
export function reloadSettings(): void {
  current = load()
  listeners.forEach((l) => l())
}

/** `next` is stored as given: callers normalise the URL first (lib/base-url). */
export function saveSettings(next: Settings | null): void {
  if (next) localStorage.setItem(KEY, JSON.stringify({ baseUrl: next.baseUrl }))
  else localStorage.removeItem(KEY)
  reloadSettings()
}

function subscribe(l: () => void) {
  listeners.add(l)
  return () => listeners.delete(l)
}

export const useSettings = (): Settings => useSyncExternalStore(subscribe, getSettings)
