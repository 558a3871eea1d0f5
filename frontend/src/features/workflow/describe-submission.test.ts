import { expect, it } from 'vitest'
import { statusChip } from '@/features/workflow/describe-submission'

it('gives each state and outcome its own chip', () => {
  const chips = [
    { status: 'PENDING', outcome: null },
    { status: 'RUNNING', outcome: null },
    { status: 'SUCCEEDED', outcome: 'inserted' },
    { status: 'SUCCEEDED', outcome: 'already_exists' },
    { status: 'SUCCEEDED', outcome: 'invalid' },
    { status: 'FAILED', outcome: null },
  ] as const
  expect(chips.map((s) => statusChip(s))).toEqual([
    { label: 'Accepted', tone: 'pending' },
    { label: 'Running', tone: 'running' },
    { label: 'Inserted', tone: 'inserted' },
    { label: 'Already existed', tone: 'existed' },
    { label: 'Invalid', tone: 'invalid' },
    { label: 'Failed', tone: 'failed' },
  ])
})
