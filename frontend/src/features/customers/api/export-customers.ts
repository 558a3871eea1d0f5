import { type Customer, listCustomers } from '@/features/customers/api/list-customers'
import { LIST_LIMIT_MAX } from '@/types/limits'

/** Walks the list cursor (largest pages the API allows) for `prefix` ('' = everything). */
export async function exportCustomers(
  prefix: string, signal: AbortSignal, onProgress: (count: number) => void,
): Promise<Customer[]> {
  const all: Customer[] = []
  let cursor: string | null = null
  do {
    const page = await listCustomers({ prefix, cursor, limit: LIST_LIMIT_MAX }, signal)
    all.push(...page.items)
    onProgress(all.length)
    cursor = page.nextCursor
  } while (cursor)
  return all
}

/** RFC 4180 CSV with a header row. IDs need no quoting (the ID rule has no comma or quote). */
export const toCsv = (rows: Customer[]) =>
  ['customer_id,created_at,source', ...rows.map((c) => `${c.id},${c.createdAt},${c.source}`)].join('\r\n') + '\r\n'

/** customer-ids-<what>-<date>.csv: what was exported and when (the UTC date, as the times inside). */
export const exportFileName = (what: string) => `customer-ids-${what}-${new Date().toISOString().slice(0, 10)}.csv`
