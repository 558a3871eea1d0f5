import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Fragment, type ReactNode, useEffect, useState } from 'react'
import { ApiError, isConnectionError } from '@/lib/api-client'
import { onSessionEnd, useSession } from '@/lib/session'

/** Retry only what may pass on a second try: nothing answered, or the API said it was busy. */
const retry = (count: number, e: Error) =>
  count < 2 && e instanceof ApiError && (e.kind === 'network' || [429, 503, 504].includes(e.status))

export function makeQueryClient() {
  const client: QueryClient = new QueryClient({
    // A query that fails for connection reasons (key refused, unreachable, CORS, not this API)
    // re-checks the one connection state, which the header and banner show: no message per panel.
    queryCache: new QueryCache({
      onError: (e, query) => {
        if (isConnectionError(e) && query.queryKey[0] !== 'connection')
          void client.invalidateQueries({ queryKey: ['connection'] })
      },
    }),
    defaultOptions: {
      queries: { retry, refetchOnWindowFocus: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  })
  return client
}

/** When a person's session ends (sign-out, or someone else signs in after it expired), what they
 *  loaded is dropped and the app starts again: keyed on the session's generation, nothing they
 *  typed survives either. */
export function Providers({ children, client: given }: { children: ReactNode; client?: QueryClient }) {
  const [client] = useState(() => given ?? makeQueryClient())
  const { generation } = useSession()
  useEffect(() => onSessionEnd(() => client.clear()), [client])
  return (
    <QueryClientProvider client={client}>
      <Fragment key={generation}>{children}</Fragment>
    </QueryClientProvider>
  )
}
