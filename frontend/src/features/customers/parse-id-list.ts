/** A pasted or uploaded list -> unique IDs in order, and the (1-based) line each first appeared on.
 *  One or more IDs per line, split on commas, semicolons or tabs (so a CSV works); blank cells are
 *  skipped, spaces and CSV quotes around a cell are dropped. Whether an ID is valid is the API's call. */
export function parseIdList(text: string): { ids: string[]; lineOf: Map<string, number> } {
  const lineOf = new Map<string, number>()
  text.split(/\r?\n/).forEach((line, i) => {
    for (const cell of line.split(/[,;\t]/)) {
      const id = cell.trim().replace(/^"(.*)"$/, '$1')
      if (id && !lineOf.has(id)) lineOf.set(id, i + 1)
    }
  })
  return { ids: [...lineOf.keys()], lineOf }
}
