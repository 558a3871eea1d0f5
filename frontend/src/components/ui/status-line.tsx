// The persistent, announced result of the last action in a panel; every outcome also toasts.
import { useCallback, useState } from 'react'
import { toast } from '@/components/ui/toaster'
import type { Outcome } from '@/lib/outcome'

export function useOutcome() {
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const report = useCallback((o: Outcome) => {
    setOutcome(o)
    toast(o)
  }, [])
  return [outcome, report] as const
}

export function StatusLine({ outcome, label }: { outcome: Outcome | null; label: string }) {
  return (
    <p role="status" aria-label={label} className={`min-h-6 text-sm tone-${outcome?.tone ?? 'info'}`}>
      {outcome?.text}
    </p>
  )
}
