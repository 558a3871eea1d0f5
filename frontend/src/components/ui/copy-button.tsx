import { toast } from '@/components/ui/toaster'
import { copyText } from '@/lib/copy'
import { bad, ok } from '@/lib/outcome'

/** Copies `value`; `what` names it for the button's accessible name and the toast. */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const copy = async () =>
    toast((await copyText(value)) ? ok(`Copied ${what} “${value}”.`) : bad(`Could not copy: the browser refused. Select “${value}” and copy it by hand.`))
  return (
    <button type="button" className="btn-icon icon-copy" aria-label={`Copy ${what} ${value}`} title={`Copy ${what}`} onClick={copy} />
  )
}
