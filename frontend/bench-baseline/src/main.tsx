// The baseline for `make bench`: the smallest React + TypeScript + Tailwind page, built by the
// same Vite, React plugin and Tailwind plugin as the console, so the ratio shows what the app adds.
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'

function App() {
  const [count, setCount] = useState(0)
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="text-2xl font-bold">Bare React page</h1>
      <button type="button" className="mt-4 rounded border px-3 py-1" onClick={() => setCount((c) => c + 1)}>
        Count is {count}
      </button>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
