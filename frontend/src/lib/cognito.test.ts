import { describe, expect, it, vi } from 'vitest'
import { initiatePasswordAuth, signInProblem } from '@/lib/cognito'
import { AUTH_CONFIG, COGNITO, installFakeApi, PASSWORD } from '@/test/fake-api'

const problem = (username: string, password: string) =>
  initiatePasswordAuth(AUTH_CONFIG, username, password).then(() => expect.unreachable('signed in'), (e: unknown) => signInProblem(e, username))

describe('cognito', () => {
  it('signs in with one unsigned JSON POST of USER_PASSWORD_AUTH to the pool’s endpoint', async () => {
    const fake = installFakeApi({ as: null })
    const result = await initiatePasswordAuth(AUTH_CONFIG, 'viewer', PASSWORD)
    expect(result.kind).toBe('signed-in')
    const [call] = fake.requests
    expect([call!.url, call!.method, call!.headers.get('content-type'), call!.headers.get('x-amz-target')]).toEqual([
      COGNITO, 'POST', 'application/x-amz-json-1.1', 'AWSCognitoIdentityProviderService.InitiateAuth',
    ])
    expect(await call!.json()).toEqual({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: AUTH_CONFIG.clientId, AuthParameters: { USERNAME: 'viewer', PASSWORD } })
  })

  it('says what went wrong in words a person understands', async () => {
    const fake = installFakeApi({ as: null })
    expect(await problem('viewer', 'wrong')).toBe('Wrong username or password.')
    expect(await problem('nobody-here', PASSWORD)).toBe('There is no user “nobody-here”: check the username, or ask an admin to invite you.')
    fake.cognitoDown = true
    expect(await problem('viewer', PASSWORD)).toBe('The sign-in service at http://cognito.test is not working (503): try again in a moment.')
    fake.down = true
    expect(await problem('viewer', PASSWORD)).toBe('Cannot reach the sign-in service at http://cognito.test: check your network, then try again.')
  })

  it('passes on Cognito’s own words for the other refusals', async () => {
    installFakeApi({ as: null })
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ __type: 'com.amazonaws#PasswordResetRequiredException', message: 'Password reset required for the user' }), { status: 400 }))
    expect(await problem('viewer', PASSWORD)).toBe('Password reset required for the user')
  })
})
