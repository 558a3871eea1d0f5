import { fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ImportDialog } from '@/features/customers/components/import-dialog'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'
import { BATCH_MAX_IDS } from '@/types/limits'

/** The form loads lazily on first open: wait for it. */
const box = () => screen.findByRole('textbox', { name: /Paste IDs/ })

describe('ImportDialog', () => {
  it('imports the ID column of a normal CSV, not its header or other columns', async () => {
    const fake = installFakeApi()
    fake.customers.set('acme-002', { id: 'acme-002', createdAt: '2026-11-25T00:00:00Z', source: 'api' })
    const { user } = renderWithClient(<ImportDialog open onClose={() => {}} />)
    fireEvent.change(await box(), { target: { value: 'customer_id,name,email\nacme-001,Alice,a@x.io\nacme-002,Bob,b@x.io\nbad id,Eve,e@x.io\nacme-001,Al,al@x.io\n' } })
    expect(await screen.findByRole('checkbox', { name: 'First row is a header' })).toBeChecked()
    expect(screen.getByRole('combobox', { name: 'Column with the IDs' })).toHaveValue('0')
    const preview = screen.getByRole('region', { name: 'Preview' })
    expect(preview).toHaveTextContent('2 valid, 1 invalid, 1 repeated in the file (sent once).')
    expect(within(preview).getByRole('list', { name: 'Invalid lines' })).toHaveTextContent('Line 4: “bad id” Use only letters')
    await user.click(screen.getByRole('button', { name: 'Import 2 IDs' }))
    const result = await screen.findByRole('region', { name: 'Import result' })
    expect(result).toHaveTextContent('Done. 1 created, 1 already existed, 1 rejected.')
    expect(within(result).getByRole('button', { name: 'Download report of rejected lines' })).toBeVisible()
    expect([...fake.customers.keys()].sort()).toEqual(['acme-001', 'acme-002'])
    expect(await box()).toHaveValue('')
  })

  it('sends a large file in chunks of the API limit, one Idempotency-Key per chunk', async () => {
    const fake = installFakeApi()
    const { user } = renderWithClient(<ImportDialog open onClose={() => {}} />)
    const n = BATCH_MAX_IDS * 2 + 5
    fireEvent.change(await box(), { target: { value: Array.from({ length: n }, (_, i) => `bulk-${i}`).join('\n') } })
    await user.click(await screen.findByRole('button', { name: `Import ${n.toLocaleString()} IDs` }))
    expect(await screen.findByRole('region', { name: 'Import result' })).toHaveTextContent(`${n.toLocaleString()} created`)
    const posts = fake.requests.filter((r) => r.url.endsWith('/customers/batch'))
    expect(posts).toHaveLength(3)
    expect(new Set(posts.map((r) => r.headers.get('idempotency-key'))).size).toBe(3)
    expect(fake.customers.size).toBe(n)
  })

  it('lets the person pick another column and say there is no header', async () => {
    installFakeApi()
    renderWithClient(<ImportDialog open onClose={() => {}} />)
    fireEvent.change(await box(), { target: { value: 'x y,a-1\nz w,a-2\n' } })
    const header = await screen.findByRole('checkbox', { name: 'First row is a header' })
    expect(header).not.toBeChecked()
    expect(screen.getByRole('combobox', { name: 'Column with the IDs' })).toHaveValue('1')
    expect(screen.getByRole('region', { name: 'Preview' })).toHaveTextContent('2 valid, 0 invalid')
  })
})
