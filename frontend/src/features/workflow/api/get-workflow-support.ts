import { queryOptions } from '@tanstack/react-query'
import { apiFor, ownTask, unwrap } from '@/lib/api-client'

/** GET /openapi.json (public): does this API describe the workflow routes? Asking the spec beats
 *  probing the routes: a browser sees a missing route's failed preflight as a CORS error. */
export const workflowSupportQuery = () =>
  queryOptions({
    queryKey: ['api-spec', 'workflow'],
    queryFn: async () => {
      await ownTask()
      const { client, baseUrl } = apiFor(undefined, false)
      const spec = (await unwrap(client.GET('/openapi.json', { baseUrl }))) as { paths?: Record<string, unknown> }
      return '/workflow/submit' in (spec.paths ?? {})
    },
    staleTime: Infinity,
    retry: false,
  })
