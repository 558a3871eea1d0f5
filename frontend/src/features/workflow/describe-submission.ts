import type { Submission } from '@/features/workflow/types'
import { info, ok, type Outcome } from '@/lib/outcome'

/** A finished submission's outcome in words a person understands. */
export function describeOutcome(s: Submission): Outcome {
  const why = s.error ? `: ${s.error}` : '.'
  if (s.outcome === 'invalid') return { tone: 'error', text: `Invalid: the workflow rejected “${s.id}”${why}` }
  if (s.status === 'FAILED') return { tone: 'error', text: `Failed: the workflow for “${s.id}” failed${why}` }
  return s.outcome === 'already_exists'
    ? info(`Already exists: the workflow found “${s.id}” already there.`)
    : ok(`Inserted: the workflow created customer ID “${s.id}”.`)
}

/** "succeeded (already exists)" */
export const statusLabel = (s: Submission) =>
  s.status.toLowerCase() + (s.outcome ? ` (${s.outcome.replace('_', ' ')})` : '')
