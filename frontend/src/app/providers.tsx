import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { ApiError } from '@/lib/api-client'

/** Retry only what may pass on a second try: nothing answered, or the API said 503. */
const retry = (count: number, e: Error) =>
  count < 2 && e instanceof ApiError && (e.kind === 'network' || e.status === 503)

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry, refetchOnWindowFocus: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  })
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient)
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>
}
