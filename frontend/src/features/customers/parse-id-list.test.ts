import { describe, expect, it } from 'vitest'
import { parseIdList } from '@/features/customers/parse-id-list'

describe('parseIdList', () => {
  it('reads lines, CSV cells and quotes; keeps the first line of each ID; skips blanks', () => {
    const { ids, lineOf } = parseIdList('alpha\r\n"beta", gamma\n\n alpha ;delta\tbad id\n')
    expect(ids).toEqual(['alpha', 'beta', 'gamma', 'delta', 'bad id'])
    expect(Object.fromEntries(lineOf)).toEqual({ alpha: 1, beta: 2, gamma: 2, delta: 4, 'bad id': 4 })
  })
  it('gives nothing for blank input', () => expect(parseIdList(' \n,\n').ids).toEqual([]))
})
