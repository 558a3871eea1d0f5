// Amazon Cognito's user-pool API, called directly: InitiateAuth, RespondToAuthChallenge and
// GlobalSignOut are unsigned JSON POSTs (the same against the local emulator and AWS), so a few
// lines replace an SDK that would cost more than the whole console's size budget.

import type { components } from '@/types/api'

/** From the API's public GET /auth/config. `endpoint` ends with '/'. */
export type AuthConfig = components['schemas']['AuthConfig']

export type Tokens = { accessToken: string; refreshToken: string }
export type SignInResult =
  | { kind: 'signed-in'; tokens: Tokens }
  | { kind: 'new-password'; username: string; session: string }

/** network: nothing answered; unavailable: the service answered 5xx or not as Cognito; refused:
 *  Cognito's own error (`code` is its exception name: NotAuthorizedException, ...). */
export class CognitoError extends Error {
  override name = 'CognitoError'
  constructor(
    readonly kind: 'network' | 'unavailable' | 'refused',
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

type Json = Record<string, unknown>

/** A sign-in service that never answers gets a clear message instead of a button stuck on "Signing in…". */
const CALL_TIMEOUT_MS = 15_000

async function call(config: AuthConfig, action: string, body: Json): Promise<Json> {
  const origin = new URL(config.endpoint).origin
  let res: Response
  try {
    res = await fetch(config.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    })
  } catch {
    throw new CognitoError('network', 'network', `Cannot reach the sign-in service at ${origin}: check your network, then try again.`)
  }
  const data = (await res.json().catch(() => null)) as Json | null
  if (res.ok && data) return data
  // Cognito names its error in __type ("NotAuthorizedException", or "prefix#NotAuthorizedException").
  const type = typeof data?.__type === 'string' ? data.__type.split('#').pop()! : ''
  if (res.status >= 500 || !type)
    throw new CognitoError('unavailable', `http_${res.status}`, `The sign-in service at ${origin} is not working (${res.status}): try again in a moment.`)
  throw new CognitoError('refused', type, typeof data?.message === 'string' ? data.message : type)
}

function signInResult(data: Json, username: string): SignInResult {
  const result = data.AuthenticationResult as { AccessToken?: string; RefreshToken?: string } | undefined
  if (result?.AccessToken && result.RefreshToken)
    return { kind: 'signed-in', tokens: { accessToken: result.AccessToken, refreshToken: result.RefreshToken } }
  if (data.ChallengeName === 'NEW_PASSWORD_REQUIRED' && typeof data.Session === 'string')
    return { kind: 'new-password', username, session: data.Session }
  throw new CognitoError('refused', 'Unsupported', `This console cannot answer the sign-in step ${String(data.ChallengeName)}.`)
}

export async function initiatePasswordAuth(config: AuthConfig, username: string, password: string): Promise<SignInResult> {
  const data = await call(config, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config.clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  })
  return signInResult(data, username)
}

export async function respondNewPassword(config: AuthConfig, challenge: { username: string; session: string }, newPassword: string): Promise<SignInResult> {
  const data = await call(config, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: config.clientId,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
  })
  return signInResult(data, challenge.username)
}

/** A new access token for a refresh token, and the refresh token to keep: the same one, or a new
 *  one when the app client rotates them. */
export async function refreshTokens(config: AuthConfig, refreshToken: string): Promise<Tokens> {
  const data = await call(config, 'InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: config.clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  })
  const result = data.AuthenticationResult as { AccessToken?: string; RefreshToken?: string } | undefined
  if (!result?.AccessToken) throw new CognitoError('unavailable', 'NoResult', 'The sign-in service answered without a token.')
  return { accessToken: result.AccessToken, refreshToken: result.RefreshToken ?? refreshToken }
}

/** Revokes every refresh token of the user (all their browsers), and this access token. */
export async function globalSignOut(config: AuthConfig, accessToken: string): Promise<void> {
  await call(config, 'GlobalSignOut', { AccessToken: accessToken })
}

/** What to tell a person whose sign-in failed: ours for the two common refusals, else Cognito's own
 *  words (they name the password policy, a disabled user, too many attempts). */
export function signInProblem(e: unknown, username: string): string {
  if (!(e instanceof CognitoError) || e.kind !== 'refused') return String((e as Error).message ?? e)
  if (e.code === 'UserNotFoundException') return `There is no user “${username.trim()}”: check the username, or ask an admin to invite you.`
  if (/incorrect username or password/i.test(e.message)) return 'Wrong username or password.'
  return e.message
}
