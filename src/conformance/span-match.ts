/**
 * Finding a scenario's expected spans among what a host exported: by the span id where the guest
 * fixes it, else by name (first unmatched, earliest start). Of the rest, the host's own are the
 * ancestors of guest spans and spans in a scope no expected span has (wasm-otel's span around the
 * call); the others are unexpected.
 */
import type { OtlpSpan } from './otlp-spans.js';
import { unwrap } from './expect-values.js';
import { isHostSpecific, spanKey, type ExpectedScope, type ExpectedSpan } from './scenario.js';

/** The spans of one scenario once matched: expected key -> received span, and the host's own. */
export interface MatchedSpans {
  byKey: Map<string, OtlpSpan>;
  /** Received spans that are the host's own (e.g. wasm-otel's span around the call). */
  hostOwn: OtlpSpan[];
  /** Every received span by id. */
  byId: Map<string, OtlpSpan>;
}

export function matchSpans(expectedSpans: readonly ExpectedSpan[], received: readonly OtlpSpan[]): MatchedSpans {
  const byKey = new Map<string, OtlpSpan>();
  const taken = new Set<OtlpSpan>();
  const byStart = [...received].sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
  // Fixed ids first, so that a span found by name cannot take one another expectation names by id.
  const ordered = [...expectedSpans].sort((a, b) => Number(typeof b.spanId === 'string') - Number(typeof a.spanId === 'string'));
  for (const expected of ordered) {
    const name = unwrap(expected.name).value;
    const fixedId = typeof expected.spanId === 'string' ? expected.spanId : undefined;
    const candidates = byStart.filter((s) => !taken.has(s) && (fixedId !== undefined ? s.spanId === fixedId : s.name === name));
    const found = candidates.find((s) => s.name === name) ?? candidates[0];
    if (found) {
      byKey.set(spanKey(expected), found);
      taken.add(found);
    }
  }
  const byId = new Map(received.map((s) => [s.spanId, s]));
  return { byKey, byId, hostOwn: hostOwnSpans(expectedSpans, received, taken, byId) };
}

/**
 * Received spans that are the host's: ancestors of a matched span, and spans in a scope none of
 * the expected spans has (unless under a matched span, where the guest's children would be); with
 * no expected spans, every span is the host's.
 */
function hostOwnSpans(expectedSpans: readonly ExpectedSpan[], received: readonly OtlpSpan[], taken: Set<OtlpSpan>, byId: Map<string, OtlpSpan>): OtlpSpan[] {
  // Spans the host closed (host-specific as a whole) may be in the host's scope: they do not name a guest scope.
  const guestScopes = new Set(expectedSpans.filter((s) => s.hostSpecific === undefined).map(scopeName).filter((n): n is string => n !== undefined));
  const ancestors = new Set<OtlpSpan>();
  for (const span of taken) {
    let parent = byId.get(span.parentSpanId);
    for (let depth = 0; parent && !taken.has(parent) && depth < 64; depth++) {
      ancestors.add(parent);
      parent = byId.get(parent.parentSpanId);
    }
  }
  const underGuest = (span: OtlpSpan): boolean => {
    let parent = byId.get(span.parentSpanId);
    for (let depth = 0; parent && depth < 64; depth++) {
      if (taken.has(parent)) return true;
      parent = byId.get(parent.parentSpanId);
    }
    return false;
  };
  return received.filter((s) => !taken.has(s) && (ancestors.has(s) || (!guestScopes.has(s.scope.name) && !underGuest(s))));
}

function scopeName(span: ExpectedSpan): string | undefined {
  const scope = span.scope;
  if (scope === undefined) return undefined;
  const value = isHostSpecific(scope) ? (scope.expected as ExpectedScope | undefined) : scope;
  return value?.name;
}
