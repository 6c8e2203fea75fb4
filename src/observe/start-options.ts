import { SpanKind, type HrTime } from '@opentelemetry/api';
import { linkAttributes, type EngineLimits, type LinkReport, type ProblemCounter } from '../engine/index.js';
import { quoted, subject, type Subject } from '../otel/messages.js';
import { KINDS } from '../otel/span-data.js';
import { spanContextFromGuest } from '../otel/span-context.js';
import { checkedTime } from '../otel/time.js';
import { attributeEntriesFrom } from './values.js';
import type { ObserveDatetime, ObserveLink, ObserveSpanKind, ObserveStartOptions } from './wit-types.js';

/** Where decoding reports, and the limits it applies. */
export interface DecodeContext {
  limits: EngineLimits;
  problems: ProblemCounter;
}

/** A span kind (the same five as wasi:otel's); an unknown one is reported and becomes internal. */
export function kindFrom(kind: ObserveSpanKind | undefined, what: Subject, cx: DecodeContext): SpanKind {
  if (kind === undefined) return SpanKind.INTERNAL;
  const known = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (known !== undefined) return known;
  cx.problems.report('invalid_span_kind', `${subject(what)}: span kind ${quoted(kind)} is unknown; internal used`);
  return SpanKind.INTERNAL;
}

/** A link, or undefined (reported) when its span context is not a valid one. */
export function linkFrom(link: ObserveLink, what: Subject, cx: DecodeContext): LinkReport | undefined {
  const context = spanContextFromGuest(link?.spanContext, () => `${subject(what)}: link`, cx.limits, cx.problems);
  if (!context) return undefined;
  const attributes = linkAttributes(cx.limits);
  for (const [key, value] of attributeEntriesFrom(link.attributes, () => `${subject(what)}: link`, cx)) attributes.add(key, value);
  return { context, attributes };
}

/** A time the guest may leave out; an invalid one is reported and left out too (the engine's clock is used). */
export function timeFrom(value: ObserveDatetime | undefined, what: Subject, part: string, cx: DecodeContext): HrTime | undefined {
  return value === undefined ? undefined : checkedTime(value, what, part, cx);
}

/** What `start` was asked for. */
export interface DecodedStart {
  root: boolean;
  kind: SpanKind;
  attributes: ReturnType<typeof attributeEntriesFrom>;
  links: LinkReport[];
  /** Links that could not be decoded (reported): exported in the dropped-links count. */
  invalidLinks: number;
  startTime: HrTime | undefined;
}

export function startOptionsFrom(options: ObserveStartOptions | undefined, what: Subject, cx: DecodeContext): DecodedStart {
  const links: LinkReport[] = [];
  let invalidLinks = 0;
  for (const link of options?.links ?? []) {
    const decoded = linkFrom(link, what, cx);
    if (decoded) links.push(decoded);
    else invalidLinks++;
  }
  return {
    root: options?.newRoot === true,
    kind: kindFrom(options?.spanKind, what, cx),
    attributes: attributeEntriesFrom(options?.attributes, what, cx),
    links,
    invalidLinks,
    startTime: timeFrom(options?.timestamp, what, 'start time', cx),
  };
}
