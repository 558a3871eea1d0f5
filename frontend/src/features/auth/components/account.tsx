import { useState } from 'react'
import { toast } from '@/components/ui/toaster'
import { info } from '@/lib/outcome'
import { signOut, useSession } from '@/lib/session'

/** The header's who-is-signed-in: username, role, and Sign out. The role is read from the token
 *  for display only; the API decides what it allows. */
export function Account() {
  const { username, role } = useSession()
  const [busy, setBusy] = useState(false)
  const leave = async () => {
    setBusy(true)
    const revoked = await signOut()
    setBusy(false)
    if (!revoked) toast(info('Signed out here only: the sign-in service did not answer, so other browsers stay signed in.'))
  }
  return (
    <div className="account">
      <span className="min-w-0 truncate font-medium" title={`Signed in as ${username}`}>
        <span className="sr-only">Signed in as </span>{username}
      </span>
      <span className="badge" title="Your role">
        <span className="sr-only">role </span>{role ?? 'no role'}
      </span>
      <button type="button" className="btn btn-small" aria-disabled={busy} onClick={() => void (busy || leave())}>
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  )
}
