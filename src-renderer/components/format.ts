/** Display helpers shared by the Evidence and Verify sections. Times are shown in UTC, as recorded. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** `2026-11-26T12:00` or `2026-11-26T12:00:30` from a datetime-local input, read as UTC; null when empty or invalid. */
export function parseUtcInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return null;
  const ms = Date.parse(value + 'Z');
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Seconds precision for list rows (the column header says UTC). */
export function formatRowTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A long hex string with a middle ellipsis, for narrow cells (the full value is in the title). */
export function shortHex(hex: string, keep = 10): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}
