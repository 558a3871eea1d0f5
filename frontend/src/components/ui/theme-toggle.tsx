// Light/dark: index.html applies the saved choice or the system's before first paint; this flips it.
// Its name says what pressing it does, and changes with the theme.
import { useState } from 'react'

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
    <button type="button" className={`btn-icon ${dark ? 'icon-sun' : 'icon-moon'}`} aria-label={label} title={label} onClick={flip} />
  )
}
