import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, it } from 'vitest'
import { ThemeToggle } from '@/components/ui/theme-toggle'

it('flips the dark class and remembers the choice', async () => {
  render(<ThemeToggle />)
  const button = screen.getByRole('button', { name: 'Dark theme', pressed: false })
  await userEvent.click(button)
  expect(document.documentElement).toHaveClass('dark')
  expect(button).toHaveAttribute('aria-pressed', 'true')
  expect(localStorage.getItem('cid.theme')).toBe('dark')
})
