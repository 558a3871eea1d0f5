type Props = { page: number; hasNext: boolean; onPage: (page: number) => void }

/** First / Previous / Next. Unavailable buttons stay focusable (aria-disabled), so pressing Next
 *  into the last page never drops keyboard focus to the page body. */
export function ListPager({ page, hasNext, onPage }: Props) {
  const go = (to: number, allowed: boolean) => () => allowed && onPage(to)
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-end gap-2">
      <span className="muted mr-auto">Page {page}</span>
      <button type="button" className="btn" aria-label="First page" aria-disabled={page === 1} onClick={go(1, page > 1)}>First</button>
      <button type="button" className="btn" aria-label="Previous page" aria-disabled={page === 1} onClick={go(page - 1, page > 1)}>
        Previous
      </button>
      <button type="button" className="btn" aria-label="Next page" aria-disabled={!hasNext} onClick={go(page + 1, hasNext)}>
        Next
      </button>
    </nav>
  )
}
