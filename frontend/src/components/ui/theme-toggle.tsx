// Light/dark: index.html applies the saved choice or the system's before first paint; this flips it.
import { useState } from 'react'

export function ThemeToggle() {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'))
  const flip = () => {
    const next = !dark
    document.documentElement.classList.toggle('dark', next)
    localStorage.setItem('cid.theme', next ? 'dark' : 'light')
    setDark(next)
  }
  return (
    <button type="button" className="btn" aria-pressed={dark} onClick={flip}>
      Dark theme
    </button>
  )
}
