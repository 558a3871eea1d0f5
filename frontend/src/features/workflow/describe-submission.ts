import type { Submission } from '@/features/workflow/types'
import { bad, info, ok, type Outcome } from '@/lib/outcome'

/** A finished submission's outcome in words a person understands. */
export function describeOutcome(s: Submission): Outcome {
  const why = s.error ? `: ${s.error}` : '.'
  if (s.outcome === 'invalid') return bad(`Invalid: the workflow rejected “${s.id}”${why}`)
  if (s.status === 'FAILED') return bad(`Failed: the workflow for “${s.id}” failed${why}`)
  return s.outcome === 'already_exists'
    ? info(`Already existed: the workflow found “${s.id}” already there; nothing was changed.`)
    : ok(`Inserted: the workflow created customer ID “${s.id}”.`)
}

export type Chip = { label: string; tone: 'pending' | 'running' | 'inserted' | 'existed' | 'invalid' | 'failed' }

/** One chip per state and outcome, each its own colour and word: "Already existed" is not success. */
export function statusChip(s: Pick<Submission, 'status' | 'outcome'>): Chip {
  if (s.status === 'FAILED') return { label: 'Failed', tone: 'failed' }
  if (s.status === 'SUCCEEDED')
    return s.outcome === 'invalid' ? { label: 'Invalid', tone: 'invalid' }
      : s.outcome === 'already_exists' ? { label: 'Already existed', tone: 'existed' }
      : { label: 'Inserted', tone: 'inserted' }
  return s.status === 'RUNNING' ? { label: 'Running', tone: 'running' } : { label: 'Accepted', tone: 'pending' }
}
