// A bulk delete (a selection, or every ID in a file) runs here, outside any dialog, with its
// progress in the list and a Cancel that lets the requests in flight finish and be counted.
import type { QueryClient } from '@tanstack/react-query'
import { useSyncExternalStore } from 'react'
import { type DeleteTally, deleteCustomers } from '@/features/customers/api/delete-customers'
import { customerKeys } from '@/features/customers/api/list-customers'

export type BulkDelete = DeleteTally & { total: number; phase: 'running' | 'stopping' | 'stopped' | 'done' }

let job: BulkDelete | null = null
const listeners = new Set<() => void>()
const set = (next: BulkDelete | null) => ((job = next), listeners.forEach((l) => l()))
const subscribe = (l: () => void) => (listeners.add(l), () => void listeners.delete(l))

export const useBulkDelete = () => useSyncExternalStore(subscribe, () => job)
export const isDeleting = () => job?.phase === 'running' || job?.phase === 'stopping'
export const cancelBulkDelete = () => job?.phase === 'running' && set({ ...job, phase: 'stopping' })
export const dismissBulkDelete = () => !isDeleting() && set(null)
/** Signed out: the delete was that person's; what is left of it is dropped, and not shown again. */
export const forgetBulkDelete = () => set(null)

export async function startBulkDelete(qc: QueryClient, ids: string[]): Promise<void> {
  if (isDeleting()) return
  set({ deleted: [], missing: [], failed: [], total: ids.length, phase: 'running' })
  const tally = await deleteCustomers(ids, (t) => job && set({ ...job, ...t, deleted: [...t.deleted] }), () => job?.phase === 'stopping')
  if (job) set({ ...tally, total: ids.length, phase: job.phase === 'stopping' ? 'stopped' : 'done' })
  void qc.invalidateQueries({ queryKey: customerKeys.all })
}
