// A pasted or uploaded file -> the IDs to import, with an account of every row: valid, invalid (with
// the reason), repeated, or empty. The counts always add up to the rows in the file.
import { idProblem } from '@/lib/customer-id'

/** The separators we detect: a spreadsheet's paste is tab-separated, a European CSV semicolon. */
export const DELIMITERS = { ',': 'comma', '\t': 'tab', ';': 'semicolon' } as const
export type Delimiter = keyof typeof DELIMITERS

/** The file as a table: every row keeps its line number (blank lines are rows too). */
export type ParsedFile = { rows: Row[]; delimiter: Delimiter; width: number; header: boolean; column: number; columns: string[] }
export type Row = { line: number; cells: string[] }
export type Cell = { line: number; value: string }
export type Rejected = Cell & { reason: string }
export type ImportPreview = { rows: number; valid: Cell[]; invalid: Rejected[]; duplicates: Rejected[]; empty: Cell[] }
export type Choice = { delimiter?: Delimiter; header?: boolean; column?: number }

const HEADER_NAME = /^(customer[ _-]?)?ids?$|^customers?$/i
const SAMPLE_LINES = 50

/** Reads `text` with the person's choices where they made one, else with the detected ones. */
export function parseImport(text: string, choice: Choice = {}): ParsedFile {
  const clean = text.replace(/^\uFEFF/, '').replace(/(\r?\n)+$/, '')
  const delimiter = choice.delimiter ?? detectDelimiter(clean)
  const rows = clean === '' ? [] : splitRows(clean, delimiter).map((cells, i) => ({ line: i + 1, cells: cells.map((c) => c.trim()) }))
  const width = Math.max(1, ...rows.map((r) => r.cells.length))
  const header = choice.header ?? looksLikeHeader(rows, width)
  const column = Math.min(choice.column ?? suggestColumn(rows, width, header), width - 1)
  const columns = Array.from({ length: width }, (_, i) => (header && rows[0]?.cells[i]) || `Column ${i + 1}`)
  return { rows, delimiter, width, header, column, columns }
}

/** The separator that splits the first lines into the same number (> 1) of cells most often. */
export function detectDelimiter(text: string): Delimiter {
  const lines = text.split(/\r?\n/, SAMPLE_LINES).filter((l) => l.trim() !== '')
  let best: Delimiter = ','
  let bestScore = 0
  for (const d of Object.keys(DELIMITERS) as Delimiter[]) {
    const widths = splitRows(lines.join('\n'), d).map((r) => r.length)
    const common = mode(widths)
    const score = common > 1 ? widths.filter((w) => w === common).length : 0
    if (score > bestScore) [best, bestScore] = [d, score]
  }
  return best
}

/** RFC 4180 rows: fields split on `delimiter`; a quoted field may hold the delimiter, a newline and
 *  "" for a quote; \n or \r\n ends a row. (Hand-written: d3-dsv cost the bundle 1.5 kB gzip for
 *  this one function, and the console's budget is counted in kB.) */
export function splitRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') {
        field += '"'
        i++
      } else quoted = false
    } else if (c === '"' && field === '') quoted = true
    else if (c === delimiter) {
      row.push(field)
      field = ''
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  row.push(field)
  rows.push(row)
  return rows
}

function mode(values: number[]): number {
  const counts = new Map<number, number>()
  values.forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1))
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0
}

const columnOf = (rows: Row[], i: number) => rows.map((r) => r.cells[i] ?? '').filter(Boolean)
const validShare = (values: string[]) => (values.length ? values.filter((v) => !idProblem(v)).length / values.length : 0)

/** A first row that names an ID column ("customer_id" is a valid ID itself), or that differs in kind
 *  from the rows below it in some column (not an ID above IDs, or the other way round). */
function looksLikeHeader(rows: Row[], width: number): boolean {
  const [first, ...rest] = rows
  if (!first || rest.length === 0) return false
  if (first.cells.some((c) => HEADER_NAME.test(c))) return true
  return Array.from({ length: width }, (_, i) => i).some((i) => {
    const head = first.cells[i] ?? ''
    const below = validShare(columnOf(rest, i))
    return head !== '' && (idProblem(head) ? below >= 0.8 : below <= 0.2)
  })
}

/** The column named like an ID, else the one with the most valid IDs. */
function suggestColumn(rows: Row[], width: number, header: boolean): number {
  const named = header ? (rows[0]?.cells ?? []).findIndex((c) => HEADER_NAME.test(c)) : -1
  if (named >= 0) return named
  const data = header ? rows.slice(1) : rows
  let best = 0
  for (let i = 1; i < width; i++) if (validShare(columnOf(data, i)) > validShare(columnOf(data, best))) best = i
  return best
}

/** The chosen column of every data row (the header row excluded), empty cells included. */
export const cellsOf = (file: ParsedFile): Cell[] =>
  file.rows.slice(file.header ? 1 : 0).map((r) => ({ line: r.line, value: r.cells[file.column] ?? '' }))

/** Every row lands in exactly one list: valid (first occurrence), invalid (the API's rule), repeated
 *  (sent once, with the line it repeats), or empty. */
export function previewImport(cells: Cell[]): ImportPreview {
  const first = new Map<string, number>()
  const out: ImportPreview = { rows: cells.length, valid: [], invalid: [], duplicates: [], empty: [] }
  for (const c of cells) {
    const problem = c.value === '' ? null : idProblem(c.value)
    const seenAt = first.get(c.value)
    if (c.value === '') out.empty.push(c)
    else if (problem) out.invalid.push({ ...c, reason: problem })
    else if (seenAt !== undefined) out.duplicates.push({ ...c, reason: `Repeats line ${seenAt}: sent once.` })
    else {
      first.set(c.value, c.line)
      out.valid.push(c)
    }
  }
  return out
}

/** Every row that will not be sent, in file order: invalid, repeated, empty. */
export function rejectedRows(p: Pick<ImportPreview, 'invalid' | 'duplicates' | 'empty'>): Rejected[] {
  const empty = p.empty.map((c) => ({ ...c, reason: 'Empty: no ID in this row.' }))
  return [...p.invalid, ...p.duplicates, ...empty].sort((a, b) => a.line - b.line)
}

/** The rejected rows as CSV, for the downloadable report. */
export function rejectedCsv(rows: Rejected[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`
  return ['line,value,reason', ...rows.map((r) => `${r.line || ''},${quote(r.value)},${quote(r.reason)}`)].join('\r\n') + '\r\n'
}
