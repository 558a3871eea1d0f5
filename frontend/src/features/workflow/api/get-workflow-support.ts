import { useQuery } from '@tanstack/react-query'
import { api } from '@/lib/api-client'

/** GET /openapi.json (public): does this API describe the workflow routes yet? Asking the spec
 *  beats probing the routes: a browser sees a missing route's failed preflight as a CORS error. */
export const getWorkflowSupport = () =>
  api<{ paths?: Record<string, unknown> }>('/openapi.json', { auth: false }).then(
    (spec) => '/workflow/submit' in (spec.paths ?? {}),
  )

export const useWorkflowSupport = () =>
  useQuery({ queryKey: ['api-spec', 'workflow'], queryFn: getWorkflowSupport, staleTime: Infinity, retry: false })
