import { api } from '@/lib/api-client'
import type { Settings } from '@/lib/settings'
import type { components } from '@/types/api'

/** GET /health: public, so no key and no CORS preflight. */
export const getHealth = (settings: Settings) =>
  api<components['schemas']['Health']>('/health', { auth: false, settings })
