/** An API timestamp (ISO 8601 UTC) in the reader's locale and time zone. */
export const formatTime = (iso: string) => new Date(iso).toLocaleString()
