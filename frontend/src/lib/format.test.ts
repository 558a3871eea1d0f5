import { describe, expect, it } from 'vitest'
import { formatCount, formatTime } from '@/lib/format'

describe('format', () => {
  it('groups thousands in counts', () => {
    expect([0, 999, 1000, 12_345, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,000', '12,345', '1,234,567'])
  })

  it('shows a timestamp in local time, fixed width, and leaves an unreadable one as it came', () => {
    const local = new Date(2026, 0, 5, 7, 8, 9)
    expect(formatTime(local.toISOString())).toBe('2026-01-05 07:08:09')
    expect(formatTime('not a date')).toBe('not a date')
  })
})
