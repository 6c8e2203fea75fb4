/**
 * Helpers for asserting parent/child structure of normalized spans
 * (see `OtlpSpan` in ./otlp-receiver.ts).
 */

/** The minimal span fields these helpers need (OtlpSpan satisfies it). */
export interface TreeSpan {
  name: string;
  spanId: string;
  parentSpanId: string;
  traceId?: string;
  startTimeUnixNano?: bigint;
}

export interface SpanTreeNode {
  name: string;
  children: SpanTreeNode[];
}

function order<S extends TreeSpan>(a: S, b: S): number {
  const ta = a.startTimeUnixNano ?? 0n;
  const tb = b.startTimeUnixNano ?? 0n;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function key(s: TreeSpan): string {
  return `${s.traceId ?? ''}/${s.spanId}`;
}

/** Direct children of `parentSpanId` ('' → root spans), ordered by start time then name. */
export function childrenOf<S extends TreeSpan>(spans: readonly S[], parentSpanId: string): S[] {
  return spans.filter((s) => s.parentSpanId === parentSpanId).sort(order);
}

/** The single span called `name`; throws if there are zero or several. */
export function byName<S extends TreeSpan>(spans: readonly S[], name: string): S {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one span named ${JSON.stringify(name)}, found ${found.length}; spans: ${JSON.stringify(spans.map((s) => s.name))}`,
    );
  }
  return found[0]!;
}

/**
 * Nested `{name, children}` forest for exact structure assertions.
 * Roots are spans without a parent, or whose parent is not among `spans`
 * (e.g. a remote parent). Siblings are ordered by start time, then name.
 * Parent/child matching is per trace when `traceId` is present.
 */
export function tree(spans: readonly TreeSpan[]): SpanTreeNode[] {
  const present = new Set(spans.map(key));
  const isRoot = (s: TreeSpan): boolean =>
    s.parentSpanId === '' || !present.has(key({ ...s, spanId: s.parentSpanId }));
  const build = (s: TreeSpan, seen: Set<string>): SpanTreeNode => {
    if (seen.has(key(s))) throw new Error(`span cycle through ${JSON.stringify(s.name)} (${s.spanId})`);
    const next = new Set(seen).add(key(s));
    const children = spans
      .filter((c) => c.parentSpanId === s.spanId && (c.traceId ?? '') === (s.traceId ?? ''))
      .sort(order)
      .map((c) => build(c, next));
    return { name: s.name, children };
  };
  return spans.filter(isRoot).sort(order).map((s) => build(s, new Set()));
}

/** Counters added since `before` (a `problems()` snapshot), zero entries left out. */
export function problemsSince(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [reason, count] of Object.entries(now)) {
    const added = count - (before[reason] ?? 0);
    if (added !== 0) delta[reason] = added;
  }
  return delta;
}

/**
 * What the host counts for spans it closed itself (`open_spans_closed`): one per exported span
 * carrying `wasm_otel.span.close_reason`.
 */
export function closedByHost(spans: readonly { attributes: Record<string, unknown> }[]): Record<string, number> {
  const closed = spans.filter((s) => s.attributes['wasm_otel.span.close_reason'] !== undefined).length;
  return closed > 0 ? { open_spans_closed: closed } : {};
}
