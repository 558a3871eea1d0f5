import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ImportDialog } from '@/features/customers/components/import-dialog'
import { dismissImport, setImportDialogOpen } from '@/features/customers/import/import-job'
import { installFakeApi } from '@/test/fake-api'
import { renderWithClient } from '@/test/render'
import { BATCH_MAX_IDS } from '@/types/limits'

const box = () => screen.findByRole('textbox', { name: /^Paste IDs/ })
const open = () => {
  act(() => setImportDialogOpen(true))
  return renderWithClient(<ImportDialog />)
}

describe('ImportDialog', () => {
  afterEach(() => act(() => (dismissImport(), setImportDialogOpen(false))))

  it('imports the ID column of a normal CSV, not its header or other columns, and accounts for every row', { timeout: 15_000 }, async () => {
    const fake = installFakeApi()
    fake.customers.set('acme-002', { id: 'acme-002', createdAt: '2026-11-25T00:00:00Z', source: 'api', createdBy: null })
    const { user } = open()
    fireEvent.change(await box(), { target: { value: 'customer_id,name,email\nacme-001,Alice,a@x.io\nacme-002,Bob,b@x.io\nbad id,Eve,e@x.io\nacme-001,Al,al@x.io\n,Nobody,n@x.io\n' } })
    expect(await screen.findByRole('checkbox', { name: 'First row is a header' })).toBeChecked()
    expect(screen.getByRole('combobox', { name: 'Column with the IDs' })).toHaveValue('0')
    const preview = screen.getByRole('region', { name: 'Preview' })
    expect(preview).toHaveTextContent('5 rows (after the header): 2 valid, 1 invalid, 1 repeated (sent once), 1 empty.')
    expect(within(preview).getByRole('list', { name: 'Rows not imported' })).toHaveTextContent('Line 4: “bad id” Use only letters')
    expect(within(preview).getByRole('table', { name: 'First rows of the file' })).toHaveTextContent('customer_id (IDs)')
    await user.click(screen.getByRole('button', { name: 'Import 2 IDs' }))
    expect(await screen.findByText('Done: all 1 requests answered.')).toBeVisible()
    const result = screen.getByLabelText('Import result')
    expect(result).toHaveTextContent('The server stored 1 new, 1 already existed; 3 of the file\'s 5 rows were not imported.')
    expect(screen.getByRole('link', { name: 'acme-002' })).toHaveAttribute('href', '?q=acme-002')
    expect([...fake.customers.keys()].sort()).toEqual(['acme-001', 'acme-002'])
  })

  it('sends a large file in chunks of the API limit, one Idempotency-Key per chunk', async () => {
    const fake = installFakeApi()
    const { user } = open()
    const n = BATCH_MAX_IDS * 2 + 5
    fireEvent.change(await box(), { target: { value: Array.from({ length: n }, (_, i) => `bulk-${i}`).join('\n') } })
    await user.click(await screen.findByRole('button', { name: `Import ${n.toLocaleString()} IDs` }))
    expect(await screen.findByLabelText('Import result')).toHaveTextContent(`stored ${n.toLocaleString()} new`)
    const posts = fake.requests.filter((r) => r.url.endsWith('/customers/batch'))
    expect(posts).toHaveLength(3)
    expect(new Set(posts.map((r) => r.headers.get('idempotency-key'))).size).toBe(3)
    expect(fake.customers.size).toBe(n)
  })

  it('cancels after the chunk in flight, counts it, and resumes with the same keys', { timeout: 20_000 }, async () => {
    const fake = installFakeApi()
    // Each batch request waits until the test lets it through: Cancel lands while one is in flight.
    const real = globalThis.fetch
    const gates: (() => void)[] = []
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init)
      if (req.url.endsWith('/customers/batch')) await new Promise<void>((go) => gates.push(go))
      return real(req)
    }
    const release = () => waitFor(() => expect(gates.length).toBeGreaterThan(0)).then(() => gates.shift()!())
    const { user } = open()
    const n = BATCH_MAX_IDS * 3
    fireEvent.change(await box(), { target: { value: Array.from({ length: n }, (_, i) => `c-${i}`).join('\n') } })
    await user.click(await screen.findByRole('button', { name: `Import ${n.toLocaleString()} IDs` }))
    await user.click(await screen.findByRole('button', { name: 'Cancel import' }))
    expect(await screen.findByText(/^Cancelling: waiting for the answer to request 1 of 3/)).toBeVisible()
    await release()
    expect(await screen.findByText(/^Cancelled after 1 of 3 requests: 2,000 IDs not sent\./)).toBeVisible()
    expect(screen.getByLabelText('Import result')).toHaveTextContent('stored 1,000 new')
    expect(fake.customers.size).toBe(1000)
    await user.click(screen.getByRole('button', { name: 'Resume: send the other 2,000' }))
    await release()
    await release()
    expect(await screen.findByText('Done: all 3 requests answered.')).toBeVisible()
    expect(fake.customers.size).toBe(n)
    const keys = fake.requests.filter((r) => r.url.endsWith('/customers/batch')).map((r) => r.headers.get('idempotency-key'))
    expect(new Set(keys).size).toBe(3)
  })

  it('lets the person pick another column and say there is no header', async () => {
    installFakeApi()
    open()
    fireEvent.change(await box(), { target: { value: 'x y,a-1\nz w,a-2\n' } })
    const header = await screen.findByRole('checkbox', { name: 'First row is a header' })
    expect(header).not.toBeChecked()
    expect(screen.getByRole('combobox', { name: 'Column with the IDs' })).toHaveValue('1')
    expect(screen.getByRole('region', { name: 'Preview' })).toHaveTextContent('2 valid, 0 invalid')
  })
})
