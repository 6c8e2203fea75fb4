/**
 * The list-valued fields of a span: attributes (one expectation per attribute, then `has no other
 * attributes`), events and links (their order, then each one's attributes, time, trace state and
 * flags).
 */
import type { OtlpSpan } from './otlp-spans.js';
import type { OtlpAttributes } from './otlp-values.js';
import type { ResultList } from './expect-results.js';
import { CLOCK_SKEW_NS, sameAttributes, sameValue, showAttributes, showNanos, showValue, toOtlpAttributes, toOtlpValue, unwrap } from './expect-values.js';
import { isHostSpecific, type Expect, type ExpectedAttributes, type ExpectedSpan } from './scenario.js';

type What = (text: string) => string;

/** OTLP SpanFlags bits of a link's context: has-is-remote and is-remote. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** Per attribute, then `has no other attributes`; a host-specific whole set is one expectation. */
export function checkAttributes(what: What, field: Expect<ExpectedAttributes> | undefined, got: OtlpAttributes, results: ResultList, spanHs?: string, label = 'attribute'): void {
  const expected = unwrap(field ?? {});
  if (expected.value === undefined) return results.note(what(`${label}s`), expected.hostSpecific!, showAttributes(got));
  if (expected.hostSpecific !== undefined) {
    const want = toOtlpAttributes(expected.value);
    return results.add(what(`${label}s are ${showAttributes(want)}`), sameAttributes(want, got), showAttributes(want), showAttributes(got), spanHs ?? expected.hostSpecific);
  }
  for (const [key, value] of Object.entries(expected.value)) {
    const why = spanHs ?? (isHostSpecific(value) ? value.hostSpecific : undefined);
    const present = Object.hasOwn(got, key);
    if (isHostSpecific(value) && value.expected === undefined) {
      results.note(what(`${label} "${key}"`), value.hostSpecific, present ? showValue(got[key]) : '(absent)');
      continue;
    }
    const want = toOtlpValue(value);
    results.add(what(`${label} "${key}" is ${showValue(want)}`), present && sameValue(want, got[key]), showValue(want), present ? showValue(got[key]) : '(absent)', why);
  }
  const extra = Object.keys(got).filter((k) => !Object.hasOwn(expected.value!, k));
  results.add(what(`has no other ${label}s`), extra.length === 0, 'none', extra.length === 0 ? 'none' : extra.map((k) => `${k}=${showValue(got[k])}`).join(', '), spanHs);
}

/** `name`, or `name #2` for the second event of that name. */
function labels(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? JSON.stringify(name) : `${JSON.stringify(name)} #${n}`;
  });
}

export function checkEvents(what: What, expected: ExpectedSpan, span: OtlpSpan, results: ResultList): void {
  const events = expected.events ?? [];
  const hs = expected.hostSpecific;
  const wantNames = labels(events.map((e) => e.name));
  const gotNames = labels(span.events.map((e) => e.name));
  results.add(what(`events are [${wantNames.join(', ')}]`), wantNames.join() === gotNames.join(), `[${wantNames.join(', ')}]`, `[${gotNames.join(', ')}]`, hs);
  events.forEach((event, i) => {
    const index = gotNames.indexOf(wantNames[i]!);
    if (index < 0) return; // the order expectation already fails
    const got = span.events[index]!;
    const eventWhat = (text: string) => what(`event ${wantNames[i]} ${text}`);
    checkAttributes(eventWhat, event.attributes, got.attributes, results, hs);
    if (event.time !== undefined) {
      const time = unwrap(event.time);
      if (time.value === undefined) results.note(eventWhat('time'), time.hostSpecific!, showNanos(got.timeUnixNano));
      else results.add(eventWhat(`time is ${time.value}`), got.timeUnixNano === BigInt(time.value), time.value, showNanos(got.timeUnixNano), hs ?? time.hostSpecific);
    } else if (expected.start === undefined && expected.end === undefined) {
      const inside = got.timeUnixNano >= span.startTimeUnixNano - CLOCK_SKEW_NS && got.timeUnixNano <= span.endTimeUnixNano + CLOCK_SKEW_NS;
      results.add(eventWhat('time lies within the span'), inside, 'between the span\'s start and end (5 ms skew allowed)', showNanos(got.timeUnixNano), hs);
    }
  });
}

export function checkLinks(what: What, expected: ExpectedSpan, span: OtlpSpan, results: ResultList): void {
  const links = expected.links ?? [];
  const hs = expected.hostSpecific;
  const id = (l: { traceId: string; spanId: string }) => `${l.traceId}/${l.spanId}`;
  const want = links.map(id);
  const got = span.links.map(id);
  results.add(what(`links are [${links.map((l) => l.spanId).join(', ')}]`), want.join() === got.join(), `[${want.join(', ')}]`, `[${got.join(', ')}]`, hs);
  links.forEach((link, i) => {
    const index = got.indexOf(want[i]!);
    if (index < 0) return;
    const received = span.links[index]!;
    const linkWhat = (text: string) => what(`link to ${link.spanId} ${text}`);
    checkAttributes(linkWhat, link.attributes, received.attributes, results, hs);
    const traceState = unwrap(link.traceState ?? '');
    results.add(linkWhat(`trace state is ${JSON.stringify(traceState.value)}`), received.traceState === traceState.value, JSON.stringify(traceState.value), JSON.stringify(received.traceState), hs ?? traceState.hostSpecific);
    if (link.sampled !== undefined) {
      results.add(linkWhat(`is ${link.sampled ? '' : 'not '}sampled`), ((received.flags & 1) === 1) === link.sampled, String(link.sampled), `flags ${received.flags.toString(16)}`, hs);
    }
    if (link.isRemote !== undefined) {
      const remote = unwrap(link.isRemote);
      const known = (received.flags & HAS_IS_REMOTE) !== 0;
      const isRemote = (received.flags & IS_REMOTE) !== 0;
      const gotText = known ? String(isRemote) : `not said (flags ${received.flags.toString(16)})`;
      results.add(linkWhat(`is ${remote.value ? '' : 'not '}remote`), known && isRemote === remote.value, String(remote.value), gotText, hs ?? remote.hostSpecific ?? (known ? undefined : 'OTLP before 1.4 has no is-remote flag'));
    }
  });
}
