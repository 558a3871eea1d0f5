import { QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ReactElement } from 'react'
import { makeQueryClient } from '@/app/providers'

/** Renders `ui` with a fresh QueryClient; returns Testing Library's queries and a user. */
export function renderWithClient(ui: ReactElement) {
  const client = makeQueryClient()
  return { user: userEvent.setup(), client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) }
}
