import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '@/lib/api-client'
import type { components } from '@/types/api'

export type BatchResult = components['schemas']['BatchCreateResult']

/** The API takes at most this many IDs per request; longer lists go in several requests. */
export const BATCH_LIMIT = 1000

/** POST /customers/batch, once per 1000 IDs, outcomes merged. */
export async function createCustomersBatch(ids: string[]): Promise<BatchResult> {
  const all: BatchResult = { created: [], existing: [], invalid: [] }
  for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
    const body: components['schemas']['BatchCreateRequest'] = { ids: ids.slice(i, i + BATCH_LIMIT) }
    const r = await api<BatchResult>('/customers/batch', { method: 'POST', body })
    all.created.push(...r.created)
    all.existing.push(...r.existing)
    all.invalid.push(...r.invalid)
  }
  return all
}

export function useCreateCustomersBatch() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: createCustomersBatch,
    onSettled: () => qc.invalidateQueries({ queryKey: ['customers'] }),
  })
}
