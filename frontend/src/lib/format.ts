/** An API timestamp (ISO 8601 UTC) in the reader's locale and time zone. */
export const formatTime = (iso: string) => new Date(iso).toLocaleString()

/** 1234 -> "1,234" in the reader's locale. */
export const formatCount = (n: number) => n.toLocaleString()

/** Milliseconds between two ISO timestamps, as "850 ms" or "2.4 s". */
export function formatDuration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso)
  if (!Number.isFinite(ms) || ms < 0) return '–'
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`
}
