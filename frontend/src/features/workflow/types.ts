import type { components } from '@/types/api'

export type Submission = components['schemas']['Submission']

export const isFinal = (s: Pick<Submission, 'status'> | undefined) =>
  s?.status === 'SUCCEEDED' || s?.status === 'FAILED'
