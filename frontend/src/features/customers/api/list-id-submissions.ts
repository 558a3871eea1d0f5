import { queryOptions } from '@tanstack/react-query'
import { apiFor, unwrap } from '@/lib/api-client'
import { SUBMISSIONS_LIMIT_MAX } from '@/types/limits'

/** The workflow submissions for one ID. The API lists submissions newest first with no filter by
 *  ID, so this reads the latest page the API allows and keeps that ID's. */
export const idSubmissionsQuery = (id: string) =>
  queryOptions({
    queryKey: ['workflow', 'list', SUBMISSIONS_LIMIT_MAX, 'for', id],
    queryFn: async ({ signal }) => {
      const { client, baseUrl } = apiFor()
      const page = await unwrap(client.GET('/workflow/submissions', { baseUrl, signal, params: { query: { limit: SUBMISSIONS_LIMIT_MAX } } }))
      return page.items.filter((s) => s.id === id)
    },
    retry: false,
  })
