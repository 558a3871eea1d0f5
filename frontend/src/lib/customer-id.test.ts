import { describe, expect, it } from 'vitest'
import { idProblem } from '@/lib/customer-id'

describe('the ID rule generated from the API spec', () => {
  it.each(['abc', 'A_b-9', 'x'.repeat(64)])('accepts %j', (id) => expect(idProblem(id)).toBeNull())
  it.each([
    ['ab', /Too short/],
    ['x'.repeat(65), /Too long/],
    [' abc', /letters, digits/],
    ['abc ', /letters, digits/],
    ['a.bc', /letters, digits/],
    ['ünï', /letters, digits/],
  ])('rejects %j', (id, why) => expect(idProblem(id)).toMatch(why))
})
