// Who is signed in, and their tokens. The access token lives in this module's memory only (gone
// with the page); the refresh token in this tab's sessionStorage, so a reload stays signed in while
// closing the tab or the browser ends it; nothing goes to localStorage, which any later visit reads.
// The access token is renewed before it expires, and once more when the API answers 401.
import { useSyncExternalStore } from 'react'
import { type AuthConfig, CognitoError, globalSignOut, refreshTokens, type Tokens } from '@/lib/cognito'
import { highestRole, type Role } from '@/lib/roles'

/** restoring: a refresh token from this browser session is being exchanged; expired: the session
 *  ended without a sign-out (the refresh token was refused): the same person signs in again over
 *  the page, which keeps what they typed. */
export type Status = 'restoring' | 'signed-out' | 'signed-in' | 'expired'
/** `generation` counts the people this tab has had: the app's tree is keyed on it, so nothing one
 *  person typed or loaded survives into the next one's session. */
export type SessionView = { status: Status; username: string; role: Role | null; generation: number }

const STORE_KEY = 'cid.session'
/** Renew this long before expiry at most (a quarter of the token's life when that is shorter). */
const RENEW_LEAD_MS = 5 * 60_000
/** When the sign-in service could not be reached for a renewal: try again after this. */
const RENEW_RETRY_MS = 30_000

type Stored = { clientId: string; refreshToken: string }
type Waiter = { resolve: (token: string) => void; reject: (e: Error) => void }

let config: AuthConfig | null = null
let access: string | null = null
let timer: ReturnType<typeof setTimeout> | undefined
let renewing: Promise<RenewResult> | null = null
let view: SessionView = { status: stored() ? 'restoring' : 'signed-out', username: '', role: null, generation: 0 }
const waiters = new Set<Waiter>()
const listeners = new Set<() => void>()
const endListeners = new Set<() => void>()

function stored(): Stored | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null') as Partial<Stored> | null
    return s?.refreshToken && s.clientId ? { clientId: s.clientId, refreshToken: s.refreshToken } : null
  } catch {
    return null
  }
}

/** The JWT's claims, for display and scheduling only: the API verifies the signature. */
export function claims(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)))
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return {}
  }
}

function set(next: SessionView) {
  view = next
  listeners.forEach((l) => l())
}

/** Renewal is timed by the token's own life (exp - iat, both the server's clock) from when it
 *  arrived here: a browser whose clock is off still renews in time. */
function keep(token: string) {
  const c = claims(token)
  const life = typeof c.exp === 'number' && typeof c.iat === 'number' ? (c.exp - c.iat) * 1000 : 0
  access = token
  // A token without exp and iat is renewed when the API refuses it (401), never in a loop.
  if (life > 0) schedule(life - Math.min(RENEW_LEAD_MS, life / 4))
}

function schedule(ms: number) {
  clearTimeout(timer)
  timer = setTimeout(() => void renew(), Math.max(0, ms))
}

function clear() {
  clearTimeout(timer)
  access = null
  renewing = null
  sessionStorage.removeItem(STORE_KEY)
}

function end(status: 'signed-out' | 'expired') {
  clear()
  if (status === 'expired') return set({ ...view, status })
  config = null
  // Requests waiting for a token were this person's: they end here, unsent.
  const hadPerson = view.username !== ''
  if (hadPerson) {
    waiters.forEach((w) => w.reject(new Error('Signed out.')))
    waiters.clear()
  }
  set({ status, username: '', role: null, generation: view.generation + (hadPerson ? 1 : 0) })
  if (hadPerson) endListeners.forEach((l) => l())
}

/** After a sign-in (or a new-password challenge) succeeded. A different person than the one whose
 *  session expired starts afresh: what the last one had waiting is dropped, not sent as them. */
export function startSession(cfg: AuthConfig, tokens: Tokens): void {
  const c = claims(tokens.accessToken)
  const username = typeof c.username === 'string' ? c.username : ''
  if (view.username && view.username !== username) end('signed-out')
  config = cfg
  sessionStorage.setItem(STORE_KEY, JSON.stringify({ clientId: cfg.clientId, refreshToken: tokens.refreshToken } satisfies Stored))
  keep(tokens.accessToken)
  set({ status: 'signed-in', username, role: highestRole(c['cognito:groups']), generation: view.generation })
  waiters.forEach((w) => w.resolve(tokens.accessToken))
  waiters.clear()
}

/** On load: a refresh token kept from this browser session, for this pool's client, signs back in. */
export async function restoreSession(cfg: AuthConfig): Promise<void> {
  const s = stored()
  if (view.status !== 'restoring') return
  if (!s || s.clientId !== cfg.clientId) return end('signed-out')
  config = cfg
  // Refused (revoked, expired) or unreachable: this is a new sign-in, not an expired session.
  if ((await renew()) !== 'renewed') end('signed-out')
}

/** The API's sign-in settings changed (another API URL, another pool): this session is not theirs. */
export function checkSessionConfig(cfg: AuthConfig): void {
  if (config && config.clientId !== cfg.clientId) end('signed-out')
}

type RenewResult = 'renewed' | 'expired' | 'unreachable'

/** One renewal at a time, however many requests ask for it. */
function renew(): Promise<RenewResult> {
  renewing ??= renewOnce().finally(() => (renewing = null))
  return renewing
}

async function renewOnce(): Promise<RenewResult> {
  const s = stored()
  const cfg = config
  if (!cfg || !s) return (end('expired'), 'expired')
  try {
    const tokens = await refreshTokens(cfg, s.refreshToken)
    // Signed out (or in as someone else) while this was on its way: it belongs to nobody now.
    if (stored()?.refreshToken !== s.refreshToken) return 'expired'
    startSession(cfg, tokens)
    return 'renewed'
  } catch (e) {
    if (e instanceof CognitoError && e.kind === 'refused') return (end('expired'), 'expired')
    schedule(RENEW_RETRY_MS)
    return 'unreachable'
  }
}

/** The access token to send, waiting while nobody is signed in (the sign-in form shows meanwhile). */
export function accessToken(signal?: AbortSignal | null): Promise<string> {
  if (view.status === 'signed-in' && access) return Promise.resolve(access)
  return new Promise((resolve, reject) => {
    const w: Waiter = { resolve, reject }
    waiters.add(w)
    signal?.addEventListener('abort', () => (waiters.delete(w), reject(signal.reason as Error)), { once: true })
  })
}

/** The API refused `used` (401): renew once (unless that already happened meanwhile) and return
 *  the token to retry with. A refused renewal waits for the person to sign in again. */
export async function tokenAfterRefusal(used: string, signal?: AbortSignal | null): Promise<string> {
  if (access && access !== used) return access
  const person = view.generation
  if ((await renew()) === 'unreachable')
    throw new CognitoError('network', 'network', 'Your session needs renewing, but the sign-in service cannot be reached. Try again shortly.')
  // Signed out meanwhile: this request was the last person's, and is never sent as the next one's.
  if (view.generation !== person) throw new Error('Signed out.')
  return accessToken(signal)
}

/** GlobalSignOut revokes this person's refresh tokens everywhere; whether it worked or not, this
 *  tab forgets everything. Resolves false when the revocation failed (the caller says so). */
export async function signOut(): Promise<boolean> {
  const token = access
  const cfg = config
  let revoked = !token
  try {
    if (cfg && token) revoked = (await globalSignOut(cfg, token), true)
  } catch {
    revoked = false
  } finally {
    end('signed-out')
  }
  return revoked
}

/** Runs when a person's session ends for good (sign-out, another person): the app drops its cache. */
export function onSessionEnd(listener: () => void): () => void {
  endListeners.add(listener)
  return () => endListeners.delete(listener)
}

export const getSession = (): SessionView => view

function subscribe(l: () => void) {
  listeners.add(l)
  return () => listeners.delete(l)
}

export const useSession = (): SessionView => useSyncExternalStore(subscribe, getSession)

/** Tests only: forget what memory held, as a reload does (sessionStorage stays). */
export function resetSession(): void {
  clearTimeout(timer)
  access = null
  renewing = null
  config = null
  waiters.clear()
  view = { status: stored() ? 'restoring' : 'signed-out', username: '', role: null, generation: 0 }
}
