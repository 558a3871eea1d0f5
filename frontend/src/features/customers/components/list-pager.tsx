type Props = { page: number; hasNext: boolean; onPage: (page: number) => void; where: 'top' | 'bottom'; range?: string }

/** First / Previous / Next, above and below the table. Unavailable buttons stay focusable
 *  (aria-disabled), so pressing Next into the last page never drops keyboard focus. */
export function ListPager({ page, hasNext, onPage, where, range }: Props) {
  const go = (to: number, allowed: boolean) => () => allowed && onPage(to)
  return (
    <nav aria-label={where === 'top' ? 'Pages, above the list' : 'Pages, below the list'} data-pager={where}
      className="flex flex-wrap items-center justify-end gap-2">
      <span className="muted mr-auto">Page {page}{range && ` · ${range}`}</span>
      <button type="button" className="btn" data-go="first" aria-label="First page" aria-disabled={page === 1} onClick={go(1, page > 1)}>First</button>
      <button type="button" className="btn" data-go="previous" aria-label="Previous page" aria-disabled={page === 1} onClick={go(page - 1, page > 1)}>
        Previous
      </button>
      <button type="button" className="btn" data-go="next" aria-label="Next page" aria-disabled={!hasNext} onClick={go(page + 1, hasNext)}>
        Next
      </button>
    </nav>
  )
}
