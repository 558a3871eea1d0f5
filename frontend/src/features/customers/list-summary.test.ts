import { describe, expect, it } from 'vitest'
import { describePage, searchPrefix } from '@/features/customers/list-summary'

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, createdAt: '', source: 'api' as const, createdBy: null }))

describe('describePage', () => {
  it('counts the rows shown, from the rows of the pages before', () => {
    expect(describePage({ items: rows(25), nextCursor: 'c', cutShort: false, offset: 0 }, 1, '')).toBe('Showing 1–25; more IDs follow.')
    expect(describePage({ items: rows(1), nextCursor: 'c', cutShort: false, offset: 1 }, 2, '')).toBe('Showing 2–2; more IDs follow.')
    expect(describePage({ items: rows(3), nextCursor: null, cutShort: false, offset: 1025 }, 9, 'ab')).toBe('Showing 1,026–1,028 of 1,028 starting with “ab”.')
  })

  it('never calls a short, empty page with a cursor empty', () => {
    const text = describePage({ items: [], nextCursor: 'c', cutShort: false, offset: 0 }, 1, '')
    expect(text).toMatch(/more IDs follow/)
    expect(text).not.toMatch(/No customer IDs yet/)
  })

  it('says what to do when there really is nothing', () => {
    expect(describePage({ items: [], nextCursor: null, cutShort: false, offset: 0 }, 1, '')).toBe('No customer IDs yet. Add one above, or import a file.')
    expect(describePage({ items: [], nextCursor: null, cutShort: false, offset: 0 }, 1, 'zz')).toMatch(/^No customer IDs start with “zz”/)
  })
})

describe('searchPrefix', () => {
  it('trims what was typed or pasted', () => expect(searchPrefix('  bulk-1 \t')).toEqual({ prefix: 'bulk-1', problem: null }))
  it('refuses what no ID can start with, in words', () => expect(searchPrefix('a b').problem).toMatch(/letters, digits/))
})
