// API base URL and key: defaults from config/env, a person's choice kept in localStorage.
import { useSyncExternalStore } from 'react'
import { env } from '@/config/env'

export type Settings = { baseUrl: string; apiKey: string }

const KEY = 'cid.settings'
const listeners = new Set<() => void>()
let current = load()

function saved(): Partial<Settings> | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Settings> | null
  } catch {
    return null
  }
}

function load(): Settings {
  return { baseUrl: env.apiBaseUrl, apiKey: env.apiKey, ...saved() }
}

export const getSettings = (): Settings => current

/** First run: nothing saved yet, so the settings dialog opens by itself. */
export const hasSavedSettings = (): boolean => saved() !== null

/** `next` is stored as given: callers normalise the URL first (lib/base-url). */
export function saveSettings(next: Settings | null): void {
  if (next) localStorage.setItem(KEY, JSON.stringify(next))
  else localStorage.removeItem(KEY)
  current = load()
  listeners.forEach((l) => l())
}

function subscribe(l: () => void) {
  listeners.add(l)
  return () => listeners.delete(l)
}

export const useSettings = (): Settings => useSyncExternalStore(subscribe, getSettings)
