/**
 * Errors that something downstream already counted and will report (e.g. an export failure an
 * exporter's delivery ledger books and reports at exit): whoever sees them again only counts.
 */
const reported = new WeakSet<object>();

export function markReported(error: unknown): void {
  if (typeof error === 'object' && error !== null) reported.add(error);
}

export function isReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reported.has(error);
}
