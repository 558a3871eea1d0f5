import { describe, expect, it } from 'vitest'
import { formatActor, formatCount, formatTime } from '@/lib/format'

describe('format', () => {
  it('names who made a write: a person by name, a key as a key, and says when nobody was recorded', () => {
    expect(formatActor({ kind: 'person', name: 'ada' })).toBe('ada')
    expect(formatActor({ kind: 'key', name: 'customer-ids-prod-console' })).toBe('customer-ids-prod-console (API key)')
    expect(formatActor(null)).toBe('not recorded')
  })

  it('groups thousands in counts', () => {
    expect([0, 999, 1000, 12_345, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,000', '12,345', '1,234,567'])
  })

  it('shows a timestamp in UTC, saying so, fixed width, and leaves an unreadable one as it came', () => {
    expect(formatTime('2026-01-05T07:08:09.123Z')).toBe('2026-01-05 07:08:09 UTC')
    expect(formatTime('2026-01-05T23:30:00+02:00')).toBe('2026-01-05 21:30:00 UTC')
    expect(formatTime('not a date')).toBe('not a date')
  })
})
