import { TraceFlags, type Link, type SpanContext } from '@opentelemetry/api';
import { hrTimeDuration } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { limitAttributes, limitName } from './apply-limits.js';
import type { EngineLimits } from './limits.js';
import type { ProblemCounter } from './problems.js';
import type { SpanReport } from './span-report.js';

/**
 * Turns a decoded guest span into the `ReadableSpan` span processors expect, applying the
 * engine's limits. Keeps the guest's ids, parent, times, kind and scope as they are.
 */
export function toReadableSpan(
  report: SpanReport,
  sampled: boolean,
  resource: Resource,
  limits: EngineLimits,
  problems: ProblemCounter,
): ReadableSpan {
  const spanName = limitName(report.name, limits.maxNameLength);
  if (spanName.cut) problems.report('name_truncated', `span name of ${report.name.length} characters cut to ${limits.maxNameLength}`);

  const attrs = limitAttributes(report.attributes, limits.attributeCountLimit, limits.attributeValueLengthLimit);
  noteLimits(problems, 'span', report.spanContext.spanId, attrs.dropped, attrs.truncated);

  const events: TimedEvent[] = [];
  for (const event of report.events.slice(0, limits.eventCountLimit)) {
    const eventAttrs = limitAttributes(event.attributes, limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
    noteLimits(problems, 'event', event.name, eventAttrs.dropped, eventAttrs.truncated);
    const dropped = eventAttrs.dropped + event.droppedAttributesCount;
    events.push({
      name: limitName(event.name, limits.maxNameLength).name,
      time: event.time,
      attributes: eventAttrs.attributes,
      ...(dropped > 0 ? { droppedAttributesCount: dropped } : {}),
    });
  }
  const eventsDropped = Math.max(0, report.events.length - limits.eventCountLimit);
  if (eventsDropped > 0) problems.report('events_dropped', `span ${report.spanContext.spanId} had ${report.events.length} events, kept ${limits.eventCountLimit}`, eventsDropped);

  const links: Link[] = [];
  for (const link of report.links.slice(0, limits.linkCountLimit)) {
    const linkAttrs = limitAttributes(link.attributes, limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
    noteLimits(problems, 'link', report.spanContext.spanId, linkAttrs.dropped, linkAttrs.truncated);
    const dropped = linkAttrs.dropped + link.droppedAttributesCount;
    links.push({
      context: link.context,
      attributes: linkAttrs.attributes,
      ...(dropped > 0 ? { droppedAttributesCount: dropped } : {}),
    });
  }
  const linksDropped = Math.max(0, report.links.length - limits.linkCountLimit);
  if (linksDropped > 0) problems.report('links_dropped', `span ${report.spanContext.spanId} had ${report.links.length} links, kept ${limits.linkCountLimit}`, linksDropped);

  const scopeAttrs = limitAttributes(report.scope.attributes, limits.attributeCountLimit, limits.attributeValueLengthLimit);
  const spanContext: SpanContext = {
    ...report.spanContext,
    traceFlags: sampled ? report.spanContext.traceFlags | TraceFlags.SAMPLED : report.spanContext.traceFlags,
  };
  const parentSpanContext: SpanContext | undefined =
    report.parentSpanId === undefined
      ? undefined
      : { traceId: spanContext.traceId, spanId: report.parentSpanId, traceFlags: spanContext.traceFlags };

  return {
    name: spanName.name,
    kind: report.kind,
    spanContext: () => spanContext,
    parentSpanContext,
    startTime: report.startTime,
    endTime: report.endTime,
    status: report.status,
    attributes: attrs.attributes,
    links,
    events,
    duration: hrTimeDuration(report.startTime, report.endTime),
    ended: true,
    resource,
    instrumentationScope: {
      name: report.scope.name,
      ...(report.scope.version !== undefined ? { version: report.scope.version } : {}),
      ...(report.scope.schemaUrl !== undefined ? { schemaUrl: report.scope.schemaUrl } : {}),
      // The OTLP transformer exports scope attributes when present.
      ...(Object.keys(scopeAttrs.attributes).length > 0 ? { attributes: scopeAttrs.attributes } : {}),
    },
    droppedAttributesCount: report.droppedAttributesCount + attrs.dropped,
    droppedEventsCount: report.droppedEventsCount + eventsDropped,
    droppedLinksCount: report.droppedLinksCount + linksDropped,
  };
}

function noteLimits(problems: ProblemCounter, what: string, id: string, dropped: number, truncated: number): void {
  if (dropped > 0) problems.report('attributes_dropped', `${what} ${id}: ${dropped} attributes over the count limit dropped`, dropped);
  if (truncated > 0) problems.report('attribute_value_truncated', `${what} ${id}: ${truncated} attribute values cut to the length limit`, truncated);
}
