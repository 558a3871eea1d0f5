import { describe, expect, it } from 'vitest'
import { ApiError } from '@/lib/api-client'
import { failure } from '@/lib/outcome'

const http = (status: number, code: string, retryAfter: number | null = null) =>
  new ApiError('http', 'Server says so.', status, code, retryAfter)

describe('failure() says what happened in plain words', () => {
  it.each([
    [http(403, 'forbidden'), /^Forbidden: the API refused the credential/],
    [http(403, 'insufficient_role'), /^Not allowed for your role: Server says so\. Ask an admin if you need it\.$/],
    [http(401, 'unauthenticated'), /^Not signed in: .* sign in again\.$/],
    [http(404, 'not_found'), /^Not found: no customer ID “abc”/],
    [http(409, 'already_exists'), /^Already exists: customer ID “abc”/],
    [http(400, 'invalid_id'), /^Invalid ID “abc”: Server says so\./],
    [http(503, 'service_unavailable', 5), /^Service unavailable: .* Try again in 5 s\./],
    [http(500, 'internal_error'), /^Failed \(500 internal_error\): Server says so\./],
    [new ApiError('network', 'Cannot reach it.'), /^Network error: Cannot reach it\./],
    [new ApiError('cors', 'Blocked.'), /^Blocked by CORS: Blocked\./],
  ])('%s', (e, text) => {
    expect(failure(e, 'abc').text).toMatch(text)
  })

  it('ends the API\'s clause before saying when to try again', () => {
    const busy = new ApiError('http', 'the data store did not answer in time; retry shortly', 503, 'service_unavailable', 1)
    expect(failure(busy).text).toBe('Service unavailable: the data store did not answer in time; retry shortly. Try again in 1 s.')
  })

  it('treats "already exists" as information, the rest as errors', () => {
    expect(failure(http(409, 'already_exists')).tone).toBe('info')
    expect(failure(http(404, 'not_found')).tone).toBe('error')
  })
})
