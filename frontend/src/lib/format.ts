// Formatting without Intl: the first Intl call of a page loads ICU locale data (about 30 ms on a
// quiet core, four times that on Lighthouse's throttled phone), and the first view would pay it
// for a date column and a count. The console's copy is English, so its numbers are too.

const pad = (n: number) => String(n).padStart(2, '0')

/** An API timestamp (ISO 8601) in UTC, as "2026-11-25 16:04:05 UTC": the zone the export's
 *  created_at is in, so a time on screen and in the file match; the same width on every row. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
}

/** 1234 -> "1,234". */
export const formatCount = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** Milliseconds between two ISO timestamps, as "850 ms" or "2.4 s". */
export function formatDuration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso)
  if (!Number.isFinite(ms) || ms < 0) return '–'
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`
}

/** Who made a write, as the API records it (`createdBy`, `submittedBy`); null: before writes were attributed. */
export function formatActor(actor: { kind: 'person' | 'key'; name: string } | null): string {
  if (!actor) return 'not recorded'
  return actor.kind === 'key' ? `${actor.name} (API key)` : actor.name
}
