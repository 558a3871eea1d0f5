// Light/dark: index.html applies the saved choice or the system's before first paint; this flips it.
// Its name says what pressing it does, and changes with the theme.
import { useState } from 'react'
import { MoonIcon, SunIcon } from '@/components/ui/icons'

export function ThemeToggle() {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'))
  const flip = () => {
    const next = !dark
    document.documentElement.classList.toggle('dark', next)
    localStorage.setItem('cid.theme', next ? 'dark' : 'light')
    setDark(next)
  }
  const label = dark ? 'Switch to light theme' : 'Switch to dark theme'
  return (
    <button type="button" className="btn-icon" aria-label={label} title={label} onClick={flip}>
      {dark ? <SunIcon /> : <MoonIcon />}
    </button>
  )
}
