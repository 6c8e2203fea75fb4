/**
 * The expectations on one matched span, field by field: name, parent, trace, kind, each attribute,
 * events, links, status, trace state, flags, scope, times (exact where the guest fixes them, else
 * start <= end and inside the parent, with the clock skew a guest may have) and dropped counts.
 */
import type { OtlpSpan } from './otlp-spans.js';
import type { MatchedSpans } from './span-match.js';
import type { ResultList } from './expect-results.js';
import { checkAttributes, checkEvents, checkLinks } from './expect-span-lists.js';
import { CLOCK_SKEW_NS, sameAttributes, showNanos, toOtlpAttributes, unwrap } from './expect-values.js';
import type { OtlpAttributes } from './otlp-values.js';
import { spanKey, type Expect, type ExpectedScope, type ExpectedSpan, type Scenario, type SpanKindName } from './scenario.js';

const KINDS: Record<SpanKindName, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
const STATUS_NAMES = ['unset', 'ok', 'error'];

export function checkSpanFields(expected: ExpectedSpan, span: OtlpSpan, matched: MatchedSpans, scenario: Scenario, results: ResultList): void {
  const key = spanKey(expected);
  const what = (text: string) => `span "${key}" ${text}`;
  /** A field's host-specific reason: the span's own (a host-specific span) or the field's. */
  const hs = (field: { hostSpecific?: string }) => expected.hostSpecific ?? field.hostSpecific;

  const name = unwrap(expected.name);
  if (typeof expected.spanId === 'string' || name.hostSpecific !== undefined) {
    results.add(what(`name is ${JSON.stringify(name.value)}`), span.name === name.value, JSON.stringify(name.value), JSON.stringify(span.name), hs(name));
  }
  if (expected.spanId !== undefined && typeof expected.spanId !== 'string') {
    const id = unwrap<string>(expected.spanId);
    if (id.value === undefined) results.note(what('span id'), id.hostSpecific!, span.spanId);
    else results.add(what(`span id is ${String(id.value)}`), span.spanId === id.value, String(id.value), span.spanId, hs(id));
  }
  checkParent(expected, span, matched, results, what, hs);
  checkTrace(expected, span, matched, results, what, hs);

  const kind = unwrap<SpanKindName>(expected.kind ?? 'internal');
  results.add(what(`kind is ${kind.value}`), span.kind === KINDS[kind.value!], kind.value!, KIND_NAMES[span.kind] ?? String(span.kind), hs(kind));

  checkAttributes(what, expected.attributes, span.attributes, results, expected.hostSpecific);
  checkEvents(what, expected, span, results);
  checkLinks(what, expected, span, results);

  const status = unwrap(expected.status ?? { code: 'unset' as const });
  if (status.value === undefined) results.note(what('status'), status.hostSpecific!, `${STATUS_NAMES[span.status.code]} ${JSON.stringify(span.status.message)}`);
  else {
    const given = status.value.message === undefined ? undefined : unwrap(status.value.message);
    // A host-specific message without an expected text is not checked (the code still is).
    const message = given?.value === undefined ? undefined : given;
    const codeOk = span.status.code === STATUS_CODES[status.value.code];
    const messageOk = message === undefined || span.status.message === message.value;
    const shown = `${status.value.code}${message ? ` ${JSON.stringify(message.value)}` : ''}`;
    // The message alone may be host-specific (a trap's text): the code is still checked.
    const why = hs(status) ?? (codeOk ? message?.hostSpecific : undefined);
    results.add(what(`status is ${shown}`), codeOk && messageOk, shown, `${STATUS_NAMES[span.status.code] ?? span.status.code} ${JSON.stringify(span.status.message)}`, why);
  }

  const traceState = unwrap(expected.traceState ?? '');
  results.add(what(`trace state is ${JSON.stringify(traceState.value)}`), span.traceState === traceState.value, JSON.stringify(traceState.value), JSON.stringify(span.traceState), hs(traceState));
  if (expected.sampled !== undefined) {
    const sampled = unwrap(expected.sampled);
    const got = (span.flags & 1) === 1;
    results.add(what(`is ${sampled.value ? '' : 'not '}sampled`), got === sampled.value, String(sampled.value), `flags ${span.flags.toString(16)}`, hs(sampled));
  }
  if (expected.scope !== undefined) checkScope(what('scope'), expected.scope, span.scope, results, expected.hostSpecific);
  checkTimes(expected, span, matched, scenario, results, what, hs);

  const dropped = { attributes: 0, events: 0, links: 0, ...expected.dropped };
  const got = { attributes: span.droppedAttributesCount, events: span.droppedEventsCount, links: span.droppedLinksCount };
  const text = (d: typeof got) => `attributes ${d.attributes}, events ${d.events}, links ${d.links}`;
  results.add(what('dropped counts'), text(dropped) === text(got), text(dropped), text(got), expected.hostSpecific);
}

type What = (text: string) => string;
type Hs = (field: { hostSpecific?: string }) => string | undefined;

/** Describes a parent id for a detail: a matched span's key, the host's span, a root or an unknown id. */
function describeParent(id: string, matched: MatchedSpans): string {
  if (id === '') return 'a root (no parent)';
  for (const [key, s] of matched.byKey) if (s.spanId === id) return `span "${key}"`;
  const own = matched.hostOwn.find((s) => s.spanId === id);
  if (own) return `the host's span ${JSON.stringify(own.name)}`;
  const other = matched.byId.get(id);
  return other ? `span ${JSON.stringify(other.name)} (${id})` : `${id} (not exported)`;
}

function checkParent(expected: ExpectedSpan, span: OtlpSpan, matched: MatchedSpans, results: ResultList, what: What, hs: Hs): void {
  const parent = unwrap(expected.parent);
  const got = describeParent(span.parentSpanId, matched);
  if (parent.value === undefined) return results.note(what('parent'), parent.hostSpecific!, got);
  const why = hs(parent);
  if (typeof parent.value === 'object') {
    return results.add(what(`parent is ${parent.value.spanId}`), span.parentSpanId === parent.value.spanId, parent.value.spanId, got, why);
  }
  if (parent.value === 'root') return results.add(what('is a root'), span.parentSpanId === '', 'a root (no parent)', got, why);
  if (parent.value === 'host') {
    const hostSpan = matched.hostOwn.find((s) => s.spanId === span.parentSpanId);
    if (hostSpan) return results.add(what("parent is the host's span"), true, '', got, why);
    // A root: the host makes no span of its own (info). A guest span, or an id no exported span
    // has (the host exported a child of a span it never exported), fails unless the parent field
    // itself is host-specific.
    if (span.parentSpanId === '') return results.add(what("parent is the host's span"), false, "the host's own span of the call", got, why ?? 'a host may make no span of its own');
    const fieldWhy = parent.hostSpecific;
    if (!matched.byId.has(span.parentSpanId)) return results.add(what("parent is the host's span"), false, "the host's own span of the call", `parent ${span.parentSpanId} was not exported`, fieldWhy);
    return results.add(what("parent is the host's span"), false, "the host's own span of the call", got, why);
  }
  const parentSpan = matched.byKey.get(parent.value);
  results.add(what(`parent is "${parent.value}"`), parentSpan !== undefined && span.parentSpanId === parentSpan.spanId, `span "${parent.value}"${parentSpan ? ` (${parentSpan.spanId})` : ' (which did not arrive)'}`, got, why);
}

function checkTrace(expected: ExpectedSpan, span: OtlpSpan, matched: MatchedSpans, results: ResultList, what: What, hs: Hs): void {
  const trace = unwrap(expected.traceId ?? 'inherited');
  if (trace.value === undefined) return results.note(what('trace id'), trace.hostSpecific!, span.traceId);
  const why = hs(trace);
  if (trace.value === 'new') {
    const others = [...matched.byKey.values(), ...matched.hostOwn].filter((s) => s !== span && s.traceId === span.traceId);
    return results.add(what('starts a new trace'), others.length === 0, 'a trace no other span is in', others.length === 0 ? span.traceId : `the trace of ${JSON.stringify(others[0]!.name)}`, why);
  }
  if (trace.value !== 'inherited') return results.add(what(`trace id is ${String(trace.value)}`), span.traceId === trace.value, String(trace.value), span.traceId, why);
  const parent = matched.byId.get(span.parentSpanId);
  if (!parent) return; // a root, or a parent that was not exported: nothing to compare with
  results.add(what("is in its parent's trace"), span.traceId === parent.traceId, parent.traceId, span.traceId, why);
}

export function checkScope(what: string, field: Expect<ExpectedScope>, scope: { name: string; version: string; attributes: Record<string, unknown> }, results: ResultList, spanHs?: string): void {
  const expected = unwrap(field);
  const got = `${JSON.stringify(scope.name)} ${JSON.stringify(scope.version)}`;
  if (expected.value === undefined) return results.note(what, expected.hostSpecific!, got);
  const want = `${JSON.stringify(expected.value.name)}${expected.value.version !== undefined ? ` ${JSON.stringify(expected.value.version)}` : ''}`;
  const ok = scope.name === expected.value.name && (expected.value.version === undefined || scope.version === expected.value.version) && (expected.value.attributes === undefined || sameAttributes(toOtlpAttributes(expected.value.attributes), scope.attributes as OtlpAttributes));
  results.add(`${what} is ${want}`, ok, want, got, spanHs ?? expected.hostSpecific);
}

function checkTimes(expected: ExpectedSpan, span: OtlpSpan, matched: MatchedSpans, scenario: Scenario, results: ResultList, what: What, hs: Hs): void {
  let fixed = false;
  for (const [field, got] of [['start', span.startTimeUnixNano], ['end', span.endTimeUnixNano]] as const) {
    if (expected[field] === undefined) continue;
    fixed = true;
    const time = unwrap(expected[field]);
    if (time.value === undefined) results.note(what(`${field} time`), time.hostSpecific!, showNanos(got));
    else results.add(what(`${field} time is ${time.value}`), got === BigInt(time.value), time.value, showNanos(got), hs(time));
  }
  results.add(what('starts before it ends'), span.startTimeUnixNano <= span.endTimeUnixNano, 'start <= end', `${showNanos(span.startTimeUnixNano)} .. ${showNanos(span.endTimeUnixNano)}`, expected.hostSpecific);
  const parent = matched.byId.get(span.parentSpanId);
  const parentExpected = [...matched.byKey.entries()].find(([, s]) => s === parent)?.[0];
  const parentFixed = parentExpected !== undefined && hasFixedTimes(scenario, parentExpected);
  if (parent && !fixed && !parentFixed) {
    const startsIn = span.startTimeUnixNano >= parent.startTimeUnixNano - CLOCK_SKEW_NS;
    const endsIn = expected.outlivesParent === true || span.endTimeUnixNano <= parent.endTimeUnixNano + CLOCK_SKEW_NS;
    const rule = expected.outlivesParent ? 'starts within its parent' : 'lies within its parent';
    results.add(what(rule), startsIn && endsIn, `inside ${JSON.stringify(parent.name)} (5 ms skew allowed)`, `starts ${signedMs(span.startTimeUnixNano - parent.startTimeUnixNano)} after it, ends ${signedMs(parent.endTimeUnixNano - span.endTimeUnixNano)} before its end`, expected.hostSpecific);
  }
  for (const [field, rule] of [['endsAfterEndOf', 'ends after the end of'], ['endsBeforeStartOf', 'ends before the start of']] as const) {
    const other = expected[field] === undefined ? undefined : matched.byKey.get(expected[field]);
    if (expected[field] === undefined) continue;
    if (!other) {
      results.add(what(`${rule} "${expected[field]}"`), false, `span "${expected[field]}"`, 'that span did not arrive', expected.hostSpecific);
      continue;
    }
    const ok = field === 'endsAfterEndOf' ? span.endTimeUnixNano >= other.endTimeUnixNano : span.endTimeUnixNano <= other.startTimeUnixNano;
    const otherTime = field === 'endsAfterEndOf' ? other.endTimeUnixNano : other.startTimeUnixNano;
    results.add(what(`${rule} "${expected[field]}"`), ok, rule.replace(/^ends /, ''), `${signedMs(span.endTimeUnixNano - otherTime)} from it`, expected.hostSpecific);
  }
}

/** True when the span expected under `key` has a fixed start or end (no containment rule then). */
function hasFixedTimes(scenario: Scenario, key: string): boolean {
  return scenario.spans.some((s) => spanKey(s) === key && (s.start !== undefined || s.end !== undefined));
}

const signedMs = (nanos: bigint): string => `${(Number(nanos) / 1e6).toFixed(3)} ms`;
