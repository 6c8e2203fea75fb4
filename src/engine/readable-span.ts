import { TraceFlags, type Attributes, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import { hrTimeDuration, type InstrumentationScope } from '@opentelemetry/core';
import type { ScopeCache } from './scope-cache.js';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { AttributeBuilder } from './attribute-builder.js';
import type { EngineLimits } from './limits.js';
import type { ProblemCounter } from './problems.js';
import type { SpanReport } from './span-report.js';

/** A finished guest span as span processors and exporters see it. */
export class GuestReadableSpan implements ReadableSpan {
  readonly ended = true;

  constructor(
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly name: string,
    readonly kind: SpanKind,
    readonly startTime: HrTime,
    readonly endTime: HrTime,
    readonly status: SpanStatus,
    readonly attributes: Attributes,
    readonly links: Link[],
    readonly events: TimedEvent[],
    readonly resource: Resource,
    readonly instrumentationScope: InstrumentationScope,
    readonly droppedAttributesCount: number,
    readonly droppedEventsCount: number,
    readonly droppedLinksCount: number,
  ) {}

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/**
 * Turns a decoded guest span into the `ReadableSpan` span processors expect, applying the
 * remaining limits (name length, event and link counts). Keeps the guest's ids, parent, times,
 * kind and scope as they are; marks the span sampled when the engine decided to export it.
 */
export function toReadableSpan(
  report: SpanReport,
  sampled: boolean,
  resource: Resource,
  limits: EngineLimits,
  problems: ProblemCounter,
  scopes: ScopeCache,
): ReadableSpan {
  const spanId = report.spanContext.spanId;
  const name = keptName(report.name, spanId, limits, problems);
  noteLimits(problems, spanId, '', report.attributes);

  const eventCount = Math.min(report.events.length, limits.eventCountLimit);
  const events: TimedEvent[] = eventCount === 0 ? NO_EVENTS : new Array(eventCount);
  for (let i = 0; i < eventCount; i++) {
    const event = report.events[i]!;
    noteLimits(problems, spanId, ' event', event.attributes);
    events[i] = {
      name: event.name.length > limits.maxNameLength ? event.name.slice(0, limits.maxNameLength) : event.name,
      time: event.time,
      attributes: event.attributes.values,
      droppedAttributesCount: event.attributes.dropped,
    };
  }
  const eventsDropped = report.events.length - eventCount;
  if (eventsDropped > 0) problems.report('events_dropped', `span ${spanId} had ${report.events.length} events, kept ${eventCount}`, eventsDropped);

  const linkCount = Math.min(report.links.length, limits.linkCountLimit);
  const links: Link[] = linkCount === 0 ? NO_LINKS : new Array(linkCount);
  for (let i = 0; i < linkCount; i++) {
    const link = report.links[i]!;
    noteLimits(problems, spanId, ' link', link.attributes);
    links[i] = { context: link.context, attributes: link.attributes.values, droppedAttributesCount: link.attributes.dropped };
  }
  const linksDropped = report.links.length - linkCount;
  if (linksDropped > 0) problems.report('links_dropped', `span ${spanId} had ${report.links.length} links, kept ${linkCount}`, linksDropped);

  const ownContext = report.spanContext;
  const spanContext: SpanContext =
    sampled && (ownContext.traceFlags & TraceFlags.SAMPLED) === 0 ? { ...ownContext, traceFlags: ownContext.traceFlags | TraceFlags.SAMPLED } : ownContext;
  const parentSpanContext = report.parentSpanId === undefined ? undefined : parentContext(spanContext.traceId, report.parentSpanId, spanContext.traceFlags);

  const instrumentationScope = scopes.scopeOf(report.scope);

  return new GuestReadableSpan(
    spanContext,
    parentSpanContext,
    name,
    report.kind,
    report.startTime,
    report.endTime,
    report.status,
    report.attributes.values,
    links,
    events,
    resource,
    instrumentationScope,
    report.attributes.dropped,
    report.droppedEventsCount + eventsDropped,
    report.droppedLinksCount + linksDropped,
  );
}

/** The last parent context made: sibling spans share one (frozen: nothing may change it). */
let lastParent: SpanContext = Object.freeze({ traceId: '', spanId: '', traceFlags: 0 });

function parentContext(traceId: string, spanId: string, traceFlags: number): SpanContext {
  const last = lastParent;
  if (last.spanId === spanId && last.traceId === traceId && last.traceFlags === traceFlags) return last;
  return (lastParent = Object.freeze({ traceId, spanId, traceFlags }));
}

/** A span's name within the name length limit (a longer one is cut, and reported). */
export function keptName(name: string, spanId: string, limits: EngineLimits, problems: ProblemCounter): string {
  if (name.length <= limits.maxNameLength) return name;
  problems.report('name_truncated', `span ${spanId}: name of ${name.length} characters cut to ${limits.maxNameLength}`);
  return name.slice(0, limits.maxNameLength);
}

// Shared, never mutated: most guest spans have no links, many no events.
const NO_EVENTS: TimedEvent[] = [];
const NO_LINKS: Link[] = [];

function noteLimits(problems: ProblemCounter, spanId: string, part: string, attributes: AttributeBuilder): void {
  // Messages are built only when there is something to report: this runs for every span.
  if (attributes.overLimit > 0) {
    problems.report('attributes_dropped', `span ${spanId}${part}: ${attributes.overLimit} attributes over the count limit dropped`, attributes.overLimit);
  }
  if (attributes.truncated > 0) {
    problems.report('attribute_value_truncated', `span ${spanId}${part}: ${attributes.truncated} attribute values cut to the length limit`, attributes.truncated);
  }
}
