import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, it } from 'vitest'
import { ThemeToggle } from '@/components/ui/theme-toggle'

it('flips the dark class, says what it will do next, and remembers the choice', async () => {
  render(<ThemeToggle />)
  await userEvent.click(screen.getByRole('button', { name: 'Switch to dark theme' }))
  expect(document.documentElement).toHaveClass('dark')
  expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeVisible()
  expect(localStorage.getItem('cid.theme')).toBe('dark')
})
