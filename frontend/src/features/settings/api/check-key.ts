import { api } from '@/lib/api-client'
import type { Settings } from '@/lib/settings'
import type { components } from '@/types/api'

/** GET /customers?limit=1: the cheapest authenticated route; 403 forbidden means a wrong key. */
export const checkKey = (settings: Settings) =>
  api<components['schemas']['CustomerPage']>('/customers?limit=1', { settings })
