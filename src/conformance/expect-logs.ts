/**
 * A scenario's expected log records against the received ones: each found by its body (in order),
 * then its severity, attributes, span, times, event name, scope and resource; records left over
 * that look like the guest's (same scope or body, or in a guest span) fail `no other logs`.
 */
import type { OtlpLog } from './otlp-metrics-logs.js';
import type { ResultList } from './expect-results.js';
import { checkAttributes } from './expect-span-lists.js';
import { checkScope } from './expect-span-fields.js';
import { sameValue, showNanos, showValue, toOtlpValue, unwrap } from './expect-values.js';
import type { MatchedSpans } from './span-match.js';
import { isHostSpecific, type ExpectedLog, type ExpectedScope, type Scenario } from './scenario.js';

export function checkLogs(scenario: Scenario, logs: readonly OtlpLog[], spans: MatchedSpans, results: ResultList): void {
  const expectedLogs = scenario.logs ?? [];
  const taken = new Set<OtlpLog>();
  for (const [index, expected] of expectedLogs.entries()) {
    // A body that is host-specific and not checked: the record is found by its severity text, else its place.
    const unchecked = isHostSpecific(expected.body) && expected.body.expected === undefined;
    const body = toOtlpValue(expected.body);
    const label = unchecked ? `log #${index + 1}` : `log ${showValue(body)}`;
    const what = (text: string) => `${label} ${text}`;
    const text = unwrap(expected.severityText ?? '').value;
    const found = logs.find((l) => !taken.has(l) && (unchecked ? expected.severityText === undefined || l.severityText === text : sameValue(l.body, body)));
    results.add(what('arrives'), found !== undefined, unchecked ? 'a record' : `a record with body ${showValue(body)}`, found ? 'arrived' : `none (${logs.length} other records)`, expected.hostSpecific);
    if (!found) continue;
    taken.add(found);
    checkLogFields(expected, found, spans, results, what);
  }
  const guestScopes = new Set(expectedLogs.map((l) => scopeName(l.scope)).filter((n) => n !== undefined));
  const guestSpanIds = new Set([...spans.byKey.values()].map((s) => s.spanId));
  const unexpected = logs.filter((l) => !taken.has(l) && (guestScopes.has(l.scope.name) || guestSpanIds.has(l.spanId) || expectedLogs.some((e) => sameValue(l.body, toOtlpValue(e.body)))));
  results.add('no other logs', unexpected.length === 0, 'none', unexpected.length === 0 ? 'none' : unexpected.map((l) => showValue(l.body)).join(', '));
}

function scopeName(scope: ExpectedLog['scope']): string | undefined {
  if (scope === undefined) return undefined;
  return isHostSpecific(scope) ? (scope.expected as ExpectedScope | undefined)?.name : scope.name;
}

function checkLogFields(expected: ExpectedLog, log: OtlpLog, spans: MatchedSpans, results: ResultList, what: (text: string) => string): void {
  const hs = (field: { hostSpecific?: string }) => expected.hostSpecific ?? field.hostSpecific;
  const scalar = <T extends string | number>(name: string, field: T | { hostSpecific: string; expected?: unknown } | undefined, got: T): void => {
    if (field === undefined) return;
    const value = unwrap(field as T);
    if (value.value === undefined) return results.note(what(name), value.hostSpecific!, JSON.stringify(got));
    results.add(what(`${name} is ${JSON.stringify(value.value)}`), got === value.value, JSON.stringify(value.value), JSON.stringify(got), hs(value));
  };
  scalar('severity number', expected.severityNumber, log.severityNumber);
  scalar('severity text', expected.severityText, log.severityText);
  scalar('event name', expected.eventName, log.eventName);
  for (const [name, field, got] of [['time', expected.time, log.timeUnixNano], ['observed time', expected.observedTime, log.observedTimeUnixNano]] as const) {
    if (field === undefined) continue;
    const value = unwrap(field);
    if (value.value === undefined) results.note(what(name), value.hostSpecific!, showNanos(got));
    else results.add(what(`${name} is ${value.value}`), got === BigInt(value.value), value.value, showNanos(got), hs(value));
  }
  if (isHostSpecific(expected.body) && expected.body.expected === undefined) results.note(what('body'), expected.body.hostSpecific, showValue(log.body));
  checkAttributes(what, expected.attributes, log.attributes, results, expected.hostSpecific);

  const span = unwrap(expected.span ?? 'none');
  const gotSpan = log.spanId === '' ? 'no span' : describeSpan(log, spans);
  if (span.value === undefined) results.note(what('span'), span.hostSpecific!, gotSpan);
  else if (typeof span.value === 'object') {
    const ids = `${span.value.traceId}/${span.value.spanId}`;
    results.add(what(`belongs to span ${span.value.spanId}`), `${log.traceId}/${log.spanId}` === ids, ids, gotSpan, hs(span));
  } else if (span.value === 'none') results.add(what('belongs to no span'), log.spanId === '' && log.traceId === '', 'no trace or span id', gotSpan, hs(span));
  else if (span.value === 'host') {
    // The host's own span of the call; a host that makes none leaves the record without a span
    // (info), but a span id no exported span has fails unless the field itself is host-specific.
    const own = spans.hostOwn.some((s) => s.spanId === log.spanId && s.traceId === log.traceId);
    const exported = spans.byId.get(log.spanId)?.traceId === log.traceId;
    if (own || log.spanId === '' || exported) results.add(what("belongs to the host's span"), own, "the host's own span of the call", gotSpan, hs(span) ?? (log.spanId === '' ? 'a host may make no span of its own' : undefined));
    else results.add(what("belongs to the host's span"), false, "the host's own span of the call", `span ${log.spanId} was not exported`, span.hostSpecific);
  }
  else {
    const owner = spans.byKey.get(span.value);
    const ok = owner !== undefined && log.spanId === owner.spanId && log.traceId === owner.traceId;
    results.add(what(`belongs to span "${span.value}"`), ok, owner ? `${owner.traceId}/${owner.spanId}` : `span "${span.value}" (which did not arrive)`, gotSpan, hs(span));
  }
  if (expected.sampled !== undefined) {
    const sampled = unwrap(expected.sampled);
    results.add(what(`is ${sampled.value ? '' : 'not '}sampled`), ((log.flags & 1) === 1) === sampled.value, String(sampled.value), `flags ${log.flags}`, hs(sampled));
  }
  if (expected.scope !== undefined) checkScope(what('scope'), expected.scope, log.scope, results, expected.hostSpecific);
  if (expected.resource !== undefined) checkAttributes(what, expected.resource, log.resource, results, expected.hostSpecific, 'resource attribute');
}

function describeSpan(log: OtlpLog, spans: MatchedSpans): string {
  for (const [key, s] of spans.byKey) if (s.spanId === log.spanId && s.traceId === log.traceId) return `span "${key}"`;
  const own = spans.hostOwn.find((s) => s.spanId === log.spanId);
  if (own) return `the host's span ${JSON.stringify(own.name)}`;
  return `${log.traceId}/${log.spanId}`;
}
