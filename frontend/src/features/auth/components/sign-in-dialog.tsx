import { type FormEvent, useState } from 'react'
import { Dialog } from '@/components/ui/dialog'
import { type AuthConfig, CognitoError, initiatePasswordAuth, respondNewPassword, signInProblem, type SignInResult } from '@/lib/cognito'
import { startSession, useSession } from '@/lib/session'

type Props = {
  /** Where to sign in (the API's /auth/config), once the connection check has read it. Without it
   *  the connection is broken, and the page's banner (under no dialog) says how to fix it. */
  config: AuthConfig | null
  /** The connection settings are open over the page: this waits behind them. */
  hidden: boolean
}

type Challenge = { username: string; session: string }

/** Sign-in, over the page rather than instead of it: when a session expires, the same person signs
 *  in again and finds everything they typed where it was (their waiting requests then go out). A
 *  first sign-in goes on to choose a new password (Cognito's NEW_PASSWORD_REQUIRED challenge). */
export function SignInDialog({ config, hidden }: Props) {
  const { status, username } = useSession()
  const [challenge, setChallenge] = useState<Challenge | null>(null)
  const title = challenge ? 'Choose a new password' : status === 'expired' ? 'Session expired' : 'Sign in'
  return (
    <Dialog open={!hidden && !!config && (status === 'signed-out' || status === 'expired')} title={title} onClose={() => {}} closable={false}>
      {config && <SignInForm config={config} known={status === 'expired' ? username : ''} challenge={challenge} onChallenge={setChallenge} />}
    </Dialog>
  )
}

type FormProps = { config: AuthConfig; known: string; challenge: Challenge | null; onChallenge: (c: Challenge | null) => void }

/** Username and password (USER_PASSWORD_AUTH), or the new password typed twice. A refusal is said in
 *  words, in the form, and the password field is emptied for the next try. */
function SignInForm({ config, known, challenge, onChallenge }: FormProps) {
  const [username, setUsername] = useState(known)
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)

  const missing = challenge
    ? !password ? 'Enter a new password.' : password !== again ? 'The two passwords differ: type the same one twice.' : ''
    : !username.trim() ? 'Enter your username.' : !password ? 'Enter your password.' : ''
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    if (missing) return setProblem(missing)
    setBusy(true)
    let result: SignInResult | undefined
    try {
      result = challenge
        ? await respondNewPassword(config, challenge, password)
        : await initiatePasswordAuth(config, username.trim(), password)
    } catch (err) {
      // A challenge lasts minutes: once Cognito refuses it, only signing in again helps.
      const restart = challenge && err instanceof CognitoError && err.code === 'NotAuthorizedException'
      setProblem(restart ? 'This took too long: sign in again with the password you were given.' : signInProblem(err, challenge?.username ?? username))
      if (restart) onChallenge(null)
      document.getElementById('sign-in-password')?.focus()
    }
    setBusy(false)
    setPassword('')
    setAgain('')
    if (result?.kind === 'signed-in') startSession(config, result.tokens)
    else if (result) {
      onChallenge(result)
      setProblem('')
    }
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, autoComplete: string, type = 'password') => (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      <input id={id} type={type} className="field" value={value} onChange={(e) => set(e.target.value)} autoComplete={autoComplete}
        spellCheck={false} autoCapitalize="none" aria-describedby={problem ? 'sign-in-problem' : undefined}
        data-autofocus={id === 'sign-in-password' && (known || challenge) ? true : undefined} />
    </div>
  )
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="grid gap-3">
      {challenge ? (
        <>
          <p className="text-sm wrap-anywhere">Welcome, <strong>{challenge.username}</strong>. This is your first sign-in: choose your own password.</p>
          <input type="text" hidden readOnly autoComplete="username" value={challenge.username} />
          {field('sign-in-password', 'New password', password, setPassword, 'new-password')}
          {field('sign-in-again', 'New password, again', again, setAgain, 'new-password')}
        </>
      ) : (
        <>
          {known && <p className="text-sm">Your session has ended. Sign in again to carry on: what you typed on the page is kept.</p>}
          {field('sign-in-username', 'Username', username, setUsername, 'username', 'text')}
          {field('sign-in-password', 'Password', password, setPassword, 'current-password')}
        </>
      )}
      {problem && <p id="sign-in-problem" role="alert" className="text-sm tone-error">{problem}</p>}
      <button type="submit" className="btn btn-primary justify-self-end" aria-disabled={busy}>
        {busy ? 'Signing in…' : challenge ? 'Set password and sign in' : 'Sign in'}
      </button>
    </form>
  )
}
