import { describe, expect, it } from 'vitest'
import { cellsOf, detectDelimiter, parseImport, previewImport, rejectedCsv, rejectedRows, splitRows } from '@/features/customers/import/parse-import'

const preview = (text: string, choice = {}) => previewImport(cellsOf(parseImport(text, choice)))
const values = (cells: { value: string }[]) => cells.map((c) => c.value)

describe('parseImport', () => {
  it('reads a one-column list, keeping line numbers', () => {
    const file = parseImport('acme-1\nacme-2\n')
    expect(file).toMatchObject({ width: 1, header: false, column: 0 })
    expect(cellsOf(file)).toEqual([{ line: 1, value: 'acme-1' }, { line: 2, value: 'acme-2' }])
  })

  it('detects the header of a one-column file, although "customer_id" is a valid ID', () => {
    const file = parseImport('customer_id\nacme-1\nacme-2\nacme-3\nacme-4\n')
    expect(file.header).toBe(true)
    expect(values(cellsOf(file))).toEqual(['acme-1', 'acme-2', 'acme-3', 'acme-4'])
  })

  it('lets the person override the header guess', () => {
    expect(values(cellsOf(parseImport('customer_id\nacme-1\n', { header: false })))).toEqual(['customer_id', 'acme-1'])
    expect(values(cellsOf(parseImport('acme-0\nacme-1\n', { header: true })))).toEqual(['acme-1'])
  })

  it('detects the header of a normal CSV and picks the ID column', () => {
    const file = parseImport('customer_id,name,email\nacme-001,Alice,alice@example.com\nacme-002,Bob,bob@example.com\n')
    expect(file).toMatchObject({ delimiter: ',', header: true, column: 0, columns: ['customer_id', 'name', 'email'] })
    expect(values(cellsOf(file))).toEqual(['acme-001', 'acme-002'])
  })

  it('detects a header by its shape when no column is named like an ID', () => {
    expect(parseImport('email,code\nalice@example.com,a-1\nbob@example.com,b-2\n')).toMatchObject({ header: true, column: 1 })
  })

  it.each([
    ['a spreadsheet paste (tab)', 'ID\tName\nacme-1\tAl Smith\nacme-2\tBo Jones', '\t'],
    ['a semicolon CSV', 'id;name;city\nacme-1;Al;Köln\nacme-2;Bo;Wien\n', ';'],
    ['a comma CSV', 'id,name\nacme-1,Al\nacme-2,Bo\n', ','],
  ])('detects the separator of %s', (_, text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter)
    const p = preview(text)
    expect(values(p.valid)).toEqual(['acme-1', 'acme-2'])
    expect(p.invalid).toEqual([])
  })

  it('takes a headerless CSV as data and honours a chosen column', () => {
    const file = parseImport('acme-1,x y\nacme-2,z w\n')
    expect(file).toMatchObject({ header: false, column: 0 })
    expect(values(cellsOf(parseImport('acme-1,x y\nacme-2,z w\n', { column: 1 })))).toEqual(['x y', 'z w'])
  })

  it('splits RFC 4180 rows: quoted separators, quotes, newlines, CRLF', () => {
    const text = 'a,"b,c"\r\n"say ""hi""",\n"two\nlines",x'
    expect(splitRows(text, ',')).toEqual([['a', 'b,c'], ['say "hi"', ''], ['two\nlines', 'x']])
  })

  it('handles quoted fields and a byte-order mark', () => {
    const file = parseImport('\uFEFFid,note\n"acme-9","says ""hi"", twice"\nacme-10,ok\n')
    expect(values(cellsOf(file))).toEqual(['acme-9', 'acme-10'])
  })
})

describe('previewImport', () => {
  it('accounts for every row: valid, invalid with reasons, repeated, empty', () => {
    const p = preview('a-1\nbad id\na-1\n\nab\n  \na-2')
    expect(values(p.valid)).toEqual(['a-1', 'a-2'])
    expect(p.invalid).toEqual([
      { line: 2, value: 'bad id', reason: expect.stringMatching(/^Use only letters/) },
      { line: 5, value: 'ab', reason: expect.stringMatching(/^Too short/) },
    ])
    expect(p.duplicates).toEqual([{ line: 3, value: 'a-1', reason: 'Repeats line 1: sent once.' }])
    expect(p.empty.map((c) => c.line)).toEqual([4, 6])
    expect(p.valid.length + p.invalid.length + p.duplicates.length + p.empty.length).toBe(p.rows)
    expect(p.rows).toBe(7)
  })

  it('counts a row whose ID column is empty in a wide CSV', () => {
    const p = preview('id,name\nacme-1,Al\n,Bo\nacme-2,Cy\n')
    expect(p.empty).toEqual([{ line: 3, value: '' }])
    expect(p.rows).toBe(3)
  })

  it('adds up for a large file with every kind of row', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 333 === 5 ? '' : i % 125 === 3 ? `bad id ${i}` : i % 700 === 9 ? 'dup-1' : `id-${i}`))
    const p = preview(['customer_id', ...lines].join('\n'))
    expect(p.rows).toBe(2000)
    expect(p.valid.length + p.invalid.length + p.duplicates.length + p.empty.length).toBe(2000)
    expect(p.empty).toHaveLength(6)
  })
})

describe('the report of rejected rows', () => {
  it('lists invalid, repeated and empty rows in file order, as CSV that quotes what needs it', () => {
    const rows = rejectedRows(preview('a-1\n\na "b"\na-1'))
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4])
    expect(rejectedCsv(rows.slice(1, 2))).toBe('line,value,reason\r\n3,"a ""b""","Use only letters, digits, “_” and “-” (no spaces)."\r\n')
  })
})
