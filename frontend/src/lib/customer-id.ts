// The API's customer ID rule, generated from its OpenAPI document into @/types/customer-id.
import { CUSTOMER_ID_MAX_LENGTH, CUSTOMER_ID_MIN_LENGTH, CUSTOMER_ID_PATTERN } from '@/types/customer-id'

const rule = new RegExp(CUSTOMER_ID_PATTERN)

/** null when the API would accept `id` as it is (no trimming: the API does not trim either). */
export function idProblem(id: string): string | null {
  if (rule.test(id)) return null
  if (id.length < CUSTOMER_ID_MIN_LENGTH) return `Too short: at least ${CUSTOMER_ID_MIN_LENGTH} characters.`
  if (id.length > CUSTOMER_ID_MAX_LENGTH) return `Too long: at most ${CUSTOMER_ID_MAX_LENGTH} characters.`
  return 'Use only letters, digits, “_” and “-” (no spaces).'
}
