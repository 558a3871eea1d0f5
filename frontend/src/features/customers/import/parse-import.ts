// A pasted or uploaded file -> the IDs to import, with a preview of what will happen to each line.
import { csvParseRows } from 'd3-dsv'
import { idProblem } from '@/lib/customer-id'

/** list: one ID per line (or comma-separated); csv: a table, the IDs in one of its columns. */
export type ParsedFile =
  | { kind: 'list'; cells: Cell[] }
  | { kind: 'csv'; rows: string[][]; columns: string[]; header: boolean; column: number }

export type Cell = { line: number; value: string }
export type Rejected = Cell & { reason: string }
export type ImportPreview = { valid: Cell[]; invalid: Rejected[]; duplicates: Cell[] }

const HEADER_NAME = /^(customer[ _-]?)?ids?$|^customer$/i

export function parseImport(text: string): ParsedFile {
  const rows = csvParseRows(text.replace(/^\uFEFF/, '')).map((r) => r.map((c) => c.trim()))
  const wide = rows.filter((r) => r.filter(Boolean).length > 1)
  if (wide.length < 2 || wide.length < rows.filter((r) => r.some(Boolean)).length / 2) return { kind: 'list', cells: listCells(text) }
  const width = Math.max(...rows.map((r) => r.length))
  const header = looksLikeHeader(rows, width)
  const names = Array.from({ length: width }, (_, i) => (header && rows[0]?.[i]) || `Column ${i + 1}`)
  return { kind: 'csv', rows, columns: names, header, column: suggestColumn(rows, width, header) }
}

/** Lines, each split on commas; blank values dropped; line numbers kept for the report. */
function listCells(text: string): Cell[] {
  return text.split(/\r?\n/).flatMap((l, i) =>
    l.split(',').map((v) => ({ line: i + 1, value: v.trim() })).filter((c) => c.value !== ''),
  )
}

const column = (rows: string[][], i: number) => rows.map((r) => r[i] ?? '').filter(Boolean)
const validShare = (values: string[]) => (values.length ? values.filter((v) => !idProblem(v)).length / values.length : 0)

/** A first row that names an ID column, or that differs in kind from the rows below it in some
 *  column (a valid-looking "email" above addresses that are not IDs, or the other way round). */
function looksLikeHeader(rows: string[][], width: number): boolean {
  const [first, ...rest] = rows
  if (!first || rest.length === 0) return false
  if (first.some((c) => HEADER_NAME.test(c))) return true
  return Array.from({ length: width }, (_, i) => i).some((i) => {
    const head = first[i] ?? ''
    const below = validShare(column(rest, i))
    return head !== '' && (idProblem(head) ? below >= 0.8 : below <= 0.2)
  })
}

/** The column named like an ID, else the one with the most valid IDs. */
function suggestColumn(rows: string[][], width: number, header: boolean): number {
  const named = header ? (rows[0] ?? []).findIndex((c) => HEADER_NAME.test(c)) : -1
  if (named >= 0) return named
  const data = header ? rows.slice(1) : rows
  let best = 0
  for (let i = 1; i < width; i++) if (validShare(column(data, i)) > validShare(column(data, best))) best = i
  return best
}

/** The cells to import, given the person's choice of header and column. */
export function cellsOf(file: ParsedFile, header = file.kind === 'csv' && file.header, col = file.kind === 'csv' ? file.column : 0): Cell[] {
  if (file.kind === 'list') return file.cells
  return file.rows
    .map((r, i) => ({ line: i + 1, value: r[col] ?? '' }))
    .slice(header ? 1 : 0)
    .filter((c) => c.value !== '')
}

/** Valid IDs once each (first occurrence), invalid ones with the API's reason, repeats in the file. */
export function previewImport(cells: Cell[]): ImportPreview {
  const seen = new Set<string>()
  const out: ImportPreview = { valid: [], invalid: [], duplicates: [] }
  for (const c of cells) {
    const problem = idProblem(c.value)
    if (problem) out.invalid.push({ ...c, reason: problem })
    else if (seen.has(c.value)) out.duplicates.push(c)
    else {
      seen.add(c.value)
      out.valid.push(c)
    }
  }
  return out
}

/** The rejected lines as CSV, for the downloadable report. */
export function rejectedCsv(rows: Rejected[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`
  return ['line,value,reason', ...rows.map((r) => `${r.line},${quote(r.value)},${quote(r.reason)}`)].join('\r\n') + '\r\n'
}
