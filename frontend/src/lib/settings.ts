// API base URL and key: defaults from config/env, a person's choice kept in localStorage.
import { useSyncExternalStore } from 'react'
import { env, normalizeBaseUrl } from '@/config/env'

export type Settings = { baseUrl: string; apiKey: string }

const KEY = 'cid.settings'
const listeners = new Set<() => void>()
let current = load()

function load(): Settings {
  const defaults = { baseUrl: env.apiBaseUrl, apiKey: env.apiKey }
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Settings> | null
    return { ...defaults, ...saved }
  } catch {
    return defaults
  }
}

export const getSettings = (): Settings => current

export function saveSettings(next: Settings | null): void {
  if (next) localStorage.setItem(KEY, JSON.stringify({ ...next, baseUrl: normalizeBaseUrl(next.baseUrl) }))
  else localStorage.removeItem(KEY)
  current = load()
  listeners.forEach((l) => l())
}

function subscribe(l: () => void) {
  listeners.add(l)
  return () => listeners.delete(l)
}

export const useSettings = (): Settings => useSyncExternalStore(subscribe, getSettings)
