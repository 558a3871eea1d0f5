import { describe, expect, it } from 'vitest'
import { cellsOf, parseImport, previewImport, rejectedCsv } from '@/features/customers/import/parse-import'

describe('parseImport', () => {
  it('reads a plain list, one per line or comma-separated, keeping line numbers', () => {
    const file = parseImport('acme-1\n\nacme-2, acme-3\n')
    expect(file.kind).toBe('list')
    expect(cellsOf(file)).toEqual([
      { line: 1, value: 'acme-1' },
      { line: 3, value: 'acme-2' },
      { line: 3, value: 'acme-3' },
    ])
  })

  it('detects the header of a normal CSV and picks the ID column', () => {
    const file = parseImport('customer_id,name,email\nacme-001,Alice,alice@example.com\nacme-002,Bob,bob@example.com\n')
    expect(file).toMatchObject({ kind: 'csv', header: true, column: 0, columns: ['customer_id', 'name', 'email'] })
    expect(cellsOf(file).map((c) => c.value)).toEqual(['acme-001', 'acme-002'])
  })

  it('detects a header by its shape when no column is named like an ID', () => {
    const file = parseImport('email,code\nalice@example.com,a-1\nbob@example.com,b-2\n')
    expect(file).toMatchObject({ kind: 'csv', header: true, column: 1 })
  })

  it('takes a headerless CSV as data and honours a chosen column', () => {
    const file = parseImport('acme-1,x y\nacme-2,z w\n')
    expect(file).toMatchObject({ kind: 'csv', header: false, column: 0 })
    expect(cellsOf(file, true, 1).map((c) => c.value)).toEqual(['z w'])
  })

  it('handles quoted fields and a byte-order mark', () => {
    const file = parseImport('\uFEFFid,note\n"acme-9","says ""hi"", twice"\nacme-10,ok\n')
    expect(cellsOf(file).map((c) => c.value)).toEqual(['acme-9', 'acme-10'])
  })
})

describe('previewImport', () => {
  it('splits valid, invalid with reasons, and duplicates in the file', () => {
    const p = previewImport(cellsOf(parseImport('a-1\nbad id\na-1\nab\na-2')))
    expect(p.valid.map((c) => c.value)).toEqual(['a-1', 'a-2'])
    expect(p.invalid).toEqual([
      { line: 2, value: 'bad id', reason: expect.stringMatching(/^Use only letters/) },
      { line: 4, value: 'ab', reason: expect.stringMatching(/^Too short/) },
    ])
    expect(p.duplicates).toEqual([{ line: 3, value: 'a-1' }])
  })

  it('writes the rejected lines as CSV, quoting what needs it', () => {
    expect(rejectedCsv([{ line: 2, value: 'a "b"', reason: 'Use only letters' }])).toBe(
      'line,value,reason\r\n2,"a ""b""","Use only letters"\r\n',
    )
  })
})
