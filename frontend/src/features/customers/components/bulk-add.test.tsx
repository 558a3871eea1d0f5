import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { BulkAdd } from '@/features/customers/components/bulk-add'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'

describe('BulkAdd', () => {
  it('shows created / existing / invalid counts and the invalid lines', async () => {
    const fake = installFakeApi()
    fake.customers.set('old_1', { id: 'old_1', createdAt: '2026-11-25T00:00:00Z', source: 'api' })
    const { user } = renderWithClient(<BulkAdd />)
    const box = screen.getByRole('textbox', { name: /IDs to add/ })
    await user.type(box, 'new_1,new_2{Enter}old_1{Enter}x{Enter}new_1')
    await user.click(screen.getByRole('button', { name: 'Add all' }))
    const status = screen.getByRole('status', { name: 'Bulk add result' })
    expect(await within(status).findByText('Bulk add: 2 created, 1 already existed, 1 invalid.')).toBeVisible()
    const invalid = screen.getByRole('list', { name: 'Invalid lines' })
    expect(within(invalid).getByRole('listitem')).toHaveTextContent('Line 3: “x” does not match the ID rule')
  })

  it('reads an uploaded file', async () => {
    const fake = installFakeApi()
    const { user } = renderWithClient(<BulkAdd />)
    const file = new File(['id_a\nid_b\n'], 'ids.csv', { type: 'text/csv' })
    await user.upload(screen.getByLabelText('Upload a list or CSV file'), file)
    expect(await screen.findByDisplayValue(/id_a\s+id_b/)).toBeVisible()
    await user.click(screen.getByRole('button', { name: 'Add all' }))
    expect(await screen.findByText('Bulk add: 2 created, 0 already existed, 0 invalid.')).toBeVisible()
    expect([...fake.customers.keys()]).toEqual(['id_a', 'id_b'])
  })

  it('says so when there is nothing to add', async () => {
    installFakeApi()
    const { user } = renderWithClient(<BulkAdd />)
    await user.click(screen.getByRole('button', { name: 'Add all' }))
    expect(screen.getByRole('status', { name: 'Bulk add result' })).toHaveTextContent(/^Nothing to add/)
  })
})
