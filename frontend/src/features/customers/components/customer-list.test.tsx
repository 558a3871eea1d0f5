import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { PAGE_SIZE } from '@/features/customers/api/list-customers'
import { CustomerList } from '@/features/customers/components/customer-list'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

const seed = (fake: ReturnType<typeof installFakeApi>, ids: string[]) =>
  ids.forEach((id) => fake.customers.set(id, { id, createdAt: '2026-11-25T10:00:00Z', source: 'batch' }))

describe('CustomerList', () => {
  it('shows a loading state, then the empty state', async () => {
    installFakeApi()
    renderWithClient(<CustomerList />)
    expect(screen.getByRole('status', { name: 'List status' })).toHaveTextContent('Loading customer IDs…')
    expect(await screen.findByText(/No customer IDs yet/)).toBeVisible()
    expect(screen.queryByRole('table')).toBeNull()
  })

  it('pages forward with the API cursor and back again', async () => {
    const fake = installFakeApi()
    seed(fake, Array.from({ length: PAGE_SIZE + 3 }, (_, i) => `id_${String(i).padStart(3, '0')}`))
    const { user } = renderWithClient(<CustomerList />)
    const next = screen.getByRole('button', { name: 'Next page' })
    const previous = screen.getByRole('button', { name: 'Previous page' })
    expect(await screen.findByText(`Page 1: ${PAGE_SIZE} customer IDs.`)).toBeVisible()
    expect(screen.getAllByRole('row')).toHaveLength(PAGE_SIZE + 1)
    expect(previous).toBeDisabled()
    await user.click(next)
    expect(await screen.findByText('Page 2: 3 customer IDs, the last.')).toBeVisible()
    expect(screen.getByRole('cell', { name: 'id_027' })).toBeVisible()
    expect(next).toBeDisabled()
    expect(fake.requests.at(-1)?.url).toContain('cursor=id_024')
    await user.click(previous)
    expect(await screen.findByText(`Page 1: ${PAGE_SIZE} customer IDs.`)).toBeVisible()
    await user.click(next)
    await screen.findByText('Page 2: 3 customer IDs, the last.')
    await user.type(screen.getByRole('searchbox', { name: 'Search by prefix' }), 'id_00')
    expect(await screen.findByText('Page 1: 10 customer IDs, the last.')).toBeVisible()
  })

  it('filters by prefix, and says when nothing matches', async () => {
    const fake = installFakeApi()
    seed(fake, ['apple', 'apricot', 'banana'])
    const { user } = renderWithClient(<CustomerList />)
    await screen.findByText('Page 1: 3 customer IDs, the last.')
    await user.type(screen.getByRole('searchbox', { name: 'Search by prefix' }), 'ap')
    expect(await screen.findByText('Page 1: 2 customer IDs, the last.')).toBeVisible()
    expect(screen.queryByRole('cell', { name: 'banana' })).toBeNull()
    await user.type(screen.getByRole('searchbox', { name: 'Search by prefix' }), 'x')
    expect(await screen.findByText('No customer IDs start with “apx”.')).toBeVisible()
  })
})
