/** Instants as they appear in reports and alerts: ISO-8601 UTC, milliseconds only when non-zero. Pure. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
