// The import that is running (or stopped, or finished) lives here, not in its dialog: closing the
// dialog hides it, the header's chip shows it, and its summary stays until the person dismisses it.
import type { QueryClient } from '@tanstack/react-query'
import { useSyncExternalStore } from 'react'
import { type Chunk, planChunks, sendChunk } from '@/features/customers/api/create-customers-batch'
import { customerKeys } from '@/features/customers/api/list-customers'
import type { Rejected } from '@/features/customers/import/parse-import'
import { failure } from '@/lib/outcome'

/** running; stopping: Cancel pressed, the request in flight still to answer; stopped: cancelled
 *  (Resume continues); failed: a request failed for good (Resume retries it); done. */
export type Phase = 'running' | 'stopping' | 'stopped' | 'failed' | 'done'

export type ImportJob = {
  phase: Phase
  chunks: Chunk[]
  /** How many chunks the API answered (they are sent in order). */
  answered: number
  /** What the API said it stored, per answered chunk, summed. */
  created: string[]
  existing: string[]
  /** Rejected before sending (the preview's) and by the API. */
  rejected: Rejected[]
  /** Data rows in the file. */
  rows: number
  error: string | null
}

let job: ImportJob | null = null
let dialogOpen = false
const listeners = new Set<() => void>()
const emit = () => listeners.forEach((l) => l())
const update = (patch: Partial<ImportJob>) => {
  if (job) job = { ...job, ...patch }
  emit()
}
const subscribe = (l: () => void) => (listeners.add(l), () => void listeners.delete(l))

export const useImportJob = () => useSyncExternalStore(subscribe, () => job)
export const useImportDialogOpen = () => useSyncExternalStore(subscribe, () => dialogOpen)
export const setImportDialogOpen = (open: boolean) => ((dialogOpen = open), emit())
export const isImportActive = (j: ImportJob | null = job) => j?.phase === 'running' || j?.phase === 'stopping'

export const sentCount = (j: ImportJob) => j.chunks.slice(0, j.answered).reduce((n, c) => n + c.ids.length, 0)
export const totalCount = (j: ImportJob) => j.chunks.reduce((n, c) => n + c.ids.length, 0)

/** Leaving the page while requests are still to send asks first (the browser's own question). */
const askBeforeLeaving = (e: BeforeUnloadEvent) => e.preventDefault()

export function startImport(qc: QueryClient, ids: string[], rejected: Rejected[], rows: number): void {
  if (isImportActive()) return
  job = { phase: 'running', chunks: planChunks(ids), answered: 0, created: [], existing: [], rejected, rows, error: null }
  emit()
  void run(qc)
}

/** Continues from the first unanswered chunk, with the keys it had: the API answers a chunk it
 *  already stored from its records, so nothing is written twice. */
export function resumeImport(qc: QueryClient): void {
  if (!job || isImportActive() || job.phase === 'done') return
  update({ phase: 'running', error: null })
  void run(qc)
}

/** Stops after the request in flight has answered: its answer is counted, nothing is lost. */
export const cancelImport = () => job?.phase === 'running' && update({ phase: 'stopping' })

/** Signed out: the import was that person's. Its run stops at its next step (a request waiting for
 *  a token is dropped, not sent), and nothing of it is shown to whoever signs in next. */
export function forgetImport(): void {
  job = null
  dialogOpen = false
  emit()
}

export function dismissImport(): void {
  if (isImportActive()) return
  job = null
  emit()
}

const stopRequested = () => job?.phase === 'stopping'

async function run(qc: QueryClient): Promise<void> {
  addEventListener('beforeunload', askBeforeLeaving)
  try {
    while (job && job.answered < job.chunks.length) {
      if (stopRequested()) return update({ phase: 'stopped' })
      const chunk = job.chunks[job.answered]!
      let r
      try {
        // Not stopped by Cancel, retries included: a 503 may come after part of the chunk was
        // stored, and only its retry (same key) answers what the server holds.
        r = await sendChunk(chunk)
      } catch (e) {
        return update({ phase: stopRequested() ? 'stopped' : 'failed', error: failure(e).text })
      }
      const byApi = r.invalid.map((x) => ({ line: 0, value: x.id, reason: x.reason }))
      update({
        answered: job.answered + 1,
        created: [...job.created, ...r.created],
        existing: [...job.existing, ...r.existing],
        rejected: [...job.rejected, ...byApi],
      })
      void qc.invalidateQueries({ queryKey: customerKeys.all })
    }
    update({ phase: 'done' })
  } finally {
    removeEventListener('beforeunload', askBeforeLeaving)
  }
}
