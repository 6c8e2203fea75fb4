/**
 * Finding a scenario's expected spans among what a host exported: by the span id where the guest
 * fixes it, else by name (first unmatched, earliest start). What is left is either the host's own
 * (an ancestor of a guest span, or in a scope no expected span has: the host span of the call)
 * or unexpected, which fails `no other spans`.
 */
import type { OtlpSpan } from './otlp-spans.js';
import { checkSpanFields } from './expect-span-fields.js';
import { matchSpans, type MatchedSpans } from './span-match.js';
import type { ResultList } from './expect-results.js';
import { unwrap } from './expect-values.js';
import { spanKey, type Scenario } from './scenario.js';

/** Matches, checks every expected span, and the `no other spans` rule. */
export function checkSpans(scenario: Scenario, received: readonly OtlpSpan[], results: ResultList): MatchedSpans {
  const matched = matchSpans(scenario.spans, received);
  for (const expected of scenario.spans) {
    const key = spanKey(expected);
    const span = matched.byKey.get(key);
    const how = typeof expected.spanId === 'string' ? `id ${expected.spanId}` : `name ${JSON.stringify(unwrap(expected.name).value)}`;
    results.add(`span "${key}" arrives`, span !== undefined, `a span with ${how}`, span ? `span ${span.spanId}` : 'none', expected.hostSpecific);
    if (span) checkSpanFields(expected, span, matched, scenario, results);
  }
  const unexpected = received.filter((s) => !isMatched(matched, s) && !matched.hostOwn.includes(s));
  const own = matched.hostOwn.length > 0 ? ` (the host's own: ${names(matched.hostOwn)})` : '';
  results.add('no other spans', unexpected.length === 0, 'none', unexpected.length === 0 ? `none${own}` : names(unexpected));
  return matched;
}

const names = (spans: readonly OtlpSpan[]): string => spans.map((s) => JSON.stringify(s.name)).join(', ');

function isMatched(matched: MatchedSpans, span: OtlpSpan): boolean {
  for (const s of matched.byKey.values()) if (s === span) return true;
  return false;
}

