import { screen, waitFor, within } from '@testing-library/react'
import { Toaster } from '@/components/ui/toaster'
import { beforeEach, describe, expect, it } from 'vitest'
import { CustomerList } from '@/features/customers/components/customer-list'
import { rereadListLocation } from '@/features/customers/use-list-location'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const seed = (fake: ReturnType<typeof installFakeApi>, ids: string[]) =>
  ids.forEach((id) => fake.customers.set(id, { id, createdAt: '2026-11-25T10:00:00Z', source: 'batch', createdBy: null }))
const status = () => screen.getByRole('status', { name: 'List status' })
const ids = (n: number) => Array.from({ length: n }, (_, i) => `id_${String(i).padStart(3, '0')}`)

describe('CustomerList', () => {
  beforeEach(() => {
    history.replaceState(null, '', '/')
    rereadListLocation()
  })

  it('shows a loading state, then an empty state that says what to do', async () => {
    installFakeApi()
    renderWithClient(<CustomerList />)
    expect(status()).toHaveTextContent('Loading customer IDs…')
    expect(await screen.findByText('No customer IDs yet. Add one above, or import a file.')).toBeVisible()
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.queryByRole('navigation', { name: /^Pages/ })).toBeNull()
  })

  it('pages with the cursor, shows the range, and keeps the page in the URL', { timeout: 20_000 }, async () => {
    const fake = installFakeApi()
    seed(fake, ids(28))
    const { user } = renderWithClient(<CustomerList />)
    expect(await screen.findByText('Showing 1–25; more IDs follow.')).toBeVisible()
    const pages = screen.getByRole('navigation', { name: 'Pages, above the list' })
    expect(within(pages).getByRole('button', { name: 'Previous page' })).toHaveAttribute('aria-disabled', 'true')
    await user.click(within(pages).getByRole('button', { name: 'Next page' }))
    expect(await screen.findByText('Showing 26–28 of 28.')).toBeVisible()
    expect(location.search).toBe('?page=2')
    expect(fake.requests.at(-1)?.url).toContain('cursor=id_024')
    history.back()
    expect(await screen.findByText('Showing 1–25; more IDs follow.')).toBeVisible()
    history.forward()
    expect(await screen.findByText('Showing 26–28 of 28.')).toBeVisible()
    await user.click(within(pages).getByRole('button', { name: 'First page' }))
    expect(await screen.findByText('Showing 1–25; more IDs follow.')).toBeVisible()
    await user.selectOptions(screen.getByRole('combobox', { name: 'Rows per page' }), '50')
    expect(await screen.findByText('Showing 1–28 of 28.')).toBeVisible()
    expect(location.search).toBe('?size=50')
  })

  it('opens a shared link on its page, walking the cursor from the first page', async () => {
    const fake = installFakeApi()
    seed(fake, ids(60))
    history.replaceState(null, '', '/?page=3')
    rereadListLocation()
    renderWithClient(<CustomerList />)
    expect(await screen.findByText('Showing 51–60 of 60.')).toBeVisible()
    expect(fake.requests.filter((r) => r.url.includes('/customers?'))).toHaveLength(3)
  })

  it('filters by prefix and says when nothing matches', async () => {
    const fake = installFakeApi()
    seed(fake, ['apple', 'apricot', 'banana'])
    const { user } = renderWithClient(<CustomerList />)
    await screen.findByText('Showing 1–3 of 3.')
    await user.type(screen.getByRole('searchbox', { name: /Search by prefix/ }), 'ap')
    expect(await screen.findByText('Showing 1–2 of 2 starting with “ap”.')).toBeVisible()
    expect(location.search).toBe('?q=ap')
    await user.type(screen.getByRole('searchbox', { name: /Search by prefix/ }), 'x')
    expect(await screen.findByText(/^No customer IDs start with “apx”/)).toBeVisible()
  })

  it('adds from the header with an Idempotency-Key and highlights the new row', async () => {
    const fake = installFakeApi()
    seed(fake, ['b_1'])
    const { user } = renderWithClient(<CustomerList />)
    await screen.findByText('Showing 1–1 of 1.')
    await user.type(screen.getByRole('textbox', { name: 'New customer ID' }), '  a_new {Enter}')
    const row = (await screen.findByText('just added')).closest('tr')!
    expect(row).toHaveTextContent('a_new')
    const put = fake.requests.find((r) => r.method === 'PUT')!
    expect(put.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{32,36}$/)
    expect(screen.getByRole('textbox', { name: 'New customer ID' })).toHaveValue('')
  })

  it('deletes a row at once, moves focus to the next row, and Undo creates it again', async () => {
    const fake = installFakeApi()
    seed(fake, ['a_1', 'b_2', 'c_3'])
    const { user } = renderWithClient(<><CustomerList /><Toaster onFocusAway={() => {}} /></>)
    await user.click(await screen.findByRole('button', { name: 'Delete b_2' }))
    expect(screen.queryByRole('button', { name: 'Delete b_2' })).toBeNull()
    await waitFor(() => expect(document.activeElement).toHaveAttribute('data-row-id', 'c_3'))
    const notice = screen.getByRole('status', { name: 'Notifications' })
    await within(notice).findByText('Deleted “b_2”.')
    expect([...fake.customers.keys()]).toEqual(['a_1', 'c_3'])
    expect(fake.requests.find((r) => r.method === 'DELETE')?.headers.get('idempotency-key')).toBeTruthy()
    await user.click(within(notice).getByRole('button', { name: 'Undo' }))
    expect(await screen.findByText('restored')).toBeVisible()
    expect(fake.customers.get('b_2')?.source).toBe('api')
  })

  it('tells a short page with a cursor from an empty list', async () => {
    const fake = installFakeApi()
    seed(fake, ids(3))
    const real = globalThis.fetch
    // The API stops early when its time budget runs low: an empty first page, with a cursor.
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init)
      if (req.url.includes('/customers?') && !req.url.includes('cursor='))
        return new Response(JSON.stringify({ items: [], nextCursor: '-' }), { headers: { 'content-type': 'application/json' } })
      return real(req)
    }
    const { user } = renderWithClient(<CustomerList />)
    expect(await screen.findByText(/^No rows on this page, but more IDs follow/)).toBeVisible()
    expect(screen.queryByText(/No customer IDs yet/)).toBeNull()
    await user.click(screen.getAllByRole('button', { name: 'Next page' })[0]!)
    expect(await screen.findByText('Showing 1–3 of 3.')).toBeVisible()
  })

  it('selects a range with shift, and deletes the selection after one confirmation', async () => {
    const fake = installFakeApi()
    seed(fake, ids(6))
    const { user } = renderWithClient(<CustomerList />)
    await user.click(await screen.findByRole('checkbox', { name: 'Select id_001' }))
    await user.keyboard('{Shift>}')
    await user.click(screen.getByRole('checkbox', { name: 'Select id_004' }))
    await user.keyboard('{/Shift}')
    const bar = screen.getByRole('group', { name: 'Selected rows' })
    expect(bar).toHaveTextContent('4 selected')
    await user.click(within(bar).getByRole('button', { name: 'Delete 4…' }))
    await user.click(within(screen.getByRole('dialog', { name: 'Delete 4 customer IDs?' })).getByRole('button', { name: 'Delete 4' }))
    expect(await screen.findByText(/^Bulk delete done: 4 deleted/)).toBeVisible()
    expect([...fake.customers.keys()]).toEqual(['id_000', 'id_005'])
    const keys = fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.headers.get('idempotency-key'))
    expect(new Set(keys).size).toBe(4)
  })

  it.each([
    ['viewer', { add: false, import: false, delete: false }],
    ['operator', { add: true, import: true, delete: false }],
    ['admin', { add: true, import: true, delete: true }],
  ] as const)('offers a %s only what the role may do', async (role, offered) => {
    // GIVEN a stored ID, and a person of this role signed in
    const fake = installFakeApi({ as: role })
    seed(fake, ['gate_1'])
    const { user } = renderWithClient(<CustomerList />)
    expect(await screen.findByText('Showing 1–1 of 1.')).toBeVisible()
    const select = await screen.findByRole('checkbox', { name: 'Select gate_1' })
    // THEN adding, importing and deleting are there only when the role allows them
    expect(!!screen.queryByRole('textbox', { name: 'New customer ID' })).toBe(offered.add)
    expect(!!screen.queryByRole('button', { name: 'Import…' })).toBe(offered.import)
    expect(!!screen.queryByRole('button', { name: 'Delete gate_1' })).toBe(offered.delete)
    // AND neither the selection bar nor the details offer a delete either
    await user.click(select)
    expect(!!within(screen.getByRole('group', { name: 'Selected rows' })).queryByRole('button', { name: /^Delete/ })).toBe(offered.delete)
    await user.click(screen.getByRole('button', { name: 'Details of gate_1' }))
    const details = await screen.findByRole('dialog')
    expect(!!within(details).queryByRole('button', { name: 'Delete' })).toBe(offered.delete)
    expect(screen.getByRole('button', { name: 'Export CSV…' })).toBeVisible()
  })
})
