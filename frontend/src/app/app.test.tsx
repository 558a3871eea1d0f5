import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '@/app/app'
import { makeQueryClient, Providers } from '@/app/providers'
import { getSession } from '@/lib/session'
import { saveSettings } from '@/lib/settings'
import { installFakeApi, NEWCOMER, PASSWORD } from '@/test/fake-api'

const renderApp = () => {
  const client = makeQueryClient()
  return { client, user: userEvent.setup(), ...render(<Providers client={client}><App /></Providers>) }
}
const header = () => screen.getByRole('banner')
const toast = () => screen.getByRole('status', { name: 'Notifications' })
const signInDialog = (name: string | RegExp = 'Sign in') => screen.findByRole('dialog', { name })

async function signIn(user: ReturnType<typeof userEvent.setup>, username: string, password = PASSWORD) {
  const dialog = await signInDialog()
  const name = await within(dialog).findByLabelText('Username')
  await user.clear(name)
  await user.type(name, username)
  await user.type(within(dialog).getByLabelText('Password'), password)
  await user.click(within(dialog).getByRole('button', { name: 'Sign in' }))
  return dialog
}

describe('App: connection settings', () => {
  it('opens no settings on a first visit when the build’s URL connects', async () => {
    // GIVEN nothing saved: the build's URL, which answers
    installFakeApi()
    saveSettings(null)
    renderApp()
    expect(await within(header()).findByText('Connected')).toBeInTheDocument()
    expect(screen.queryByRole('dialog', { name: 'Connection settings' })).toBeNull()
  })

  it('opens them by itself when the connection check fails', async () => {
    installFakeApi({ down: true })
    renderApp()
    expect(await screen.findByRole('dialog', { name: 'Connection settings' })).toBeVisible()
    expect(screen.queryByRole('dialog', { name: 'Sign in' })).toBeNull()
    // AND closed, they leave the banner that says so, with no sign-in over it (it could not work)
    await userEvent.keyboard('{Escape}')
    expect(await screen.findByRole('alert')).toHaveTextContent('Not connected (Reachable)')
    expect(screen.getByRole('button', { name: 'Fix connection settings' })).toBeVisible()
    expect(screen.queryByRole('dialog', { name: 'Sign in' })).toBeNull()
  })
})

describe('App: signing in', () => {
  it('signs a viewer in with the form; the header says who and which role; no writes are offered', async () => {
    installFakeApi({ as: null })
    const { user } = renderApp()
    const dialog = await signIn(user, 'viewer')
    await waitFor(() => expect(dialog).not.toBeVisible())
    expect(within(header()).getByText('viewer', { selector: '.account > span:first-child' })).toBeVisible()
    expect(within(header()).getByTitle('Your role')).toHaveTextContent('role viewer')
    expect(within(header()).getByRole('button', { name: 'Sign out' })).toBeVisible()
    expect(await screen.findByText('No customer IDs yet.')).toBeVisible()
    expect(screen.queryByRole('textbox', { name: 'New customer ID' })).toBeNull()
  })

  it('says why a sign-in failed, in the form, and empties the password', async () => {
    const fake = installFakeApi({ as: null })
    const { user } = renderApp()
    const dialog = await signIn(user, 'viewer', 'not-it')
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Wrong username or password.')
    expect(within(dialog).getByLabelText('Password')).toHaveValue('')
    expect(within(dialog).getByLabelText('Password')).toHaveFocus()
    await signIn(user, 'ghost')
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('There is no user “ghost”')
    fake.cognitoDown = true
    await signIn(user, 'viewer')
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/sign-in service .* is not working \(503\)/)
    expect(getSession().status).toBe('signed-out')
  })

  it('takes a first sign-in through choosing a new password', async () => {
    installFakeApi({ as: null })
    const { user } = renderApp()
    await signIn(user, NEWCOMER)
    const dialog = await signInDialog('Choose a new password')
    expect(dialog).toHaveTextContent(`Welcome, ${NEWCOMER}. This is your first sign-in`)
    const [first, second] = [within(dialog).getByLabelText('New password'), within(dialog).getByLabelText('New password, again')]
    const save = within(dialog).getByRole('button', { name: 'Set password and sign in' })
    await user.type(first, 'Longer-one-1')
    await user.type(second, 'Longer-one-2')
    await user.click(save)
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The two passwords differ')
    await user.clear(first)
    await user.clear(second)
    await user.type(first, 'short')
    await user.type(second, 'short')
    await user.click(save)
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Password does not conform to policy: Password not long enough')
    await user.type(first, 'Longer-one-1')
    await user.type(second, 'Longer-one-1')
    await user.click(save)
    await waitFor(() => expect(getSession()).toMatchObject({ status: 'signed-in', username: NEWCOMER, role: null }))
    expect(within(header()).getByTitle('Your role')).toHaveTextContent('no role')
  })
})

describe('App: a session that expires', () => {
  it('asks the same person to sign in over the page, keeps what they typed, then sends what waited', async () => {
    // GIVEN an operator who has typed an ID to add and another to submit
    const fake = installFakeApi({ as: 'operator', workflow: true })
    const { user } = renderApp()
    const field = await screen.findByRole('textbox', { name: 'New customer ID' })
    await user.type(field, 'typed_before')
    await user.type(screen.getByRole('textbox', { name: 'Customer ID to submit' }), 'half-typed')
    // WHEN their tokens are revoked and they press Add
    fake.accessTokens.clear()
    fake.refreshTokens.clear()
    await user.click(screen.getByRole('button', { name: 'Add' }))
    // THEN the sign-in comes over the page, for them, and nothing they typed is lost
    const dialog = await signInDialog('Session expired')
    expect(dialog).toHaveTextContent('what you typed on the page is kept')
    expect(within(dialog).getByLabelText('Username')).toHaveValue('operator')
    expect(screen.getByRole('textbox', { name: 'New customer ID', hidden: true })).toHaveValue('typed_before')
    expect(screen.getByRole('textbox', { name: 'Customer ID to submit', hidden: true })).toHaveValue('half-typed')
    // WHEN they sign in again THEN the add that waited goes out, once
    await user.type(within(dialog).getByLabelText('Password'), PASSWORD)
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }))
    expect(await within(toast()).findByText('Added “typed_before”.')).toBeVisible()
    expect(fake.customers.has('typed_before')).toBe(true)
    expect(screen.getByRole('textbox', { name: 'Customer ID to submit' })).toHaveValue('half-typed')
  })

  it('shows a 403 insufficient_role as a clear message when the role changed since sign-in', async () => {
    const fake = installFakeApi({ as: 'operator' })
    const { user } = renderApp()
    await user.type(await screen.findByRole('textbox', { name: 'New customer ID' }), 'not_mine')
    fake.roles.set('operator', 'viewer')
    await user.click(screen.getByRole('button', { name: 'Add' }))
    expect(await within(toast()).findByText(/^Not allowed for your role: .* Ask an admin if you need it\.$/)).toBeVisible()
  })
})

describe('App: another person after an expired session', () => {
  it('drops what the last person had waiting (an import) instead of sending it as the new one', async () => {
    // GIVEN an operator about to import two IDs, whose session then ends
    const fake = installFakeApi({ as: 'operator' })
    const { user } = renderApp()
    await user.click(await screen.findByRole('button', { name: 'Import…' }))
    const importing = await screen.findByRole('dialog', { name: 'Import customer IDs' })
    fireEvent.change(within(importing).getByRole('textbox', { name: /^Paste IDs/ }), { target: { value: 'imp_1\nimp_2' } })
    fake.accessTokens.clear()
    fake.refreshTokens.clear()
    await user.click(await within(importing).findByRole('button', { name: 'Import 2 IDs' }))
    // WHEN an admin, not the operator, signs in over the page
    const dialog = await signInDialog('Session expired')
    await user.clear(within(dialog).getByLabelText('Username'))
    await user.type(within(dialog).getByLabelText('Username'), 'admin')
    await user.type(within(dialog).getByLabelText('Password'), PASSWORD)
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }))
    // THEN the operator's import was never sent, and nothing of it is shown to the admin
    await waitFor(() => expect(getSession().username).toBe('admin'))
    expect(await screen.findByRole('button', { name: 'Import…' })).toBeVisible()
    expect(screen.queryByRole('dialog', { name: 'Import customer IDs' })).toBeNull()
    expect(fake.requests.filter((r) => r.url.endsWith('/customers/batch') && r.headers.has('authorization') &&
      fake.accessTokens.has(r.headers.get('authorization')!.slice(7)))).toEqual([])
    expect(fake.customers.size).toBe(0)
  })
})

describe('App: signing out', () => {
  it('revokes, then clears memory, sessionStorage and the query cache, and shows the sign-in', async () => {
    // GIVEN an admin with the list loaded
    installFakeApi({ as: 'admin' })
    const { user, client } = renderApp()
    expect(await screen.findByText(/^No customer IDs yet/)).toBeVisible()
    expect(client.getQueryCache().getAll().some((q) => q.queryKey[0] === 'customers')).toBe(true)
    // WHEN they sign out
    await user.click(within(header()).getByRole('button', { name: 'Sign out' }))
    // THEN nothing of them is left: no token, no storage, no cached data, and the sign-in shows
    const dialog = await signInDialog()
    expect(within(dialog).getByLabelText('Username')).toHaveValue('')
    expect(getSession()).toMatchObject({ status: 'signed-out', username: '' })
    expect(sessionStorage.length).toBe(0)
    expect(client.getQueryCache().getAll().some((q) => q.queryKey[0] === 'customers' && q.state.data)).toBe(false)
    expect(within(header()).queryByRole('button', { name: 'Sign out' })).toBeNull()
  })
})
