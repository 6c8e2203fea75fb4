import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { GuestReadableSpan, type ScopeCache } from '../../engine/index.js';

/** A span context as plain data (a TraceState object does not survive structured cloning). */
export interface TransferContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

/** A finished span as plain data, for postMessage between threads (structured clone). */
export interface TransferSpan {
  context: TransferContext;
  parent?: TransferContext;
  name: string;
  kind: SpanKind;
  startTime: HrTime;
  endTime: HrTime;
  status: SpanStatus;
  attributes: Attributes;
  events: { name: string; time: HrTime; attributes?: Attributes; dropped?: number }[];
  links: { context: TransferContext; attributes?: Attributes; dropped?: number }[];
  scope: { name: string; version?: string; schemaUrl?: string; attributes?: Attributes };
  dropped: [attributes: number, events: number, links: number];
}

/** A span context as plain data. */
export function contextOut(context: SpanContext): TransferContext {
  const out: TransferContext = { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
  if (context.isRemote) out.isRemote = true;
  const state = context.traceState?.serialize();
  if (state) out.traceState = state;
  return out;
}

export function contextIn(context: TransferContext): SpanContext {
  const out: SpanContext = { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
  if (context.isRemote) out.isRemote = true;
  if (context.traceState !== undefined) out.traceState = new TraceState(context.traceState);
  return out;
}

/** A ReadableSpan (the SDK's or the engine's) as plain data. */
export function encodeSpan(span: ReadableSpan): TransferSpan {
  const scope = span.instrumentationScope as TransferSpan['scope'];
  const out: TransferSpan = {
    context: contextOut(span.spanContext()),
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      time: event.time,
      ...(event.attributes ? { attributes: event.attributes } : {}),
      ...(event.droppedAttributesCount ? { dropped: event.droppedAttributesCount } : {}),
    })),
    links: span.links.map((link) => ({
      context: contextOut(link.context),
      ...(link.attributes ? { attributes: link.attributes } : {}),
      ...(link.droppedAttributesCount ? { dropped: link.droppedAttributesCount } : {}),
    })),
    scope: { name: scope.name, ...(scope.version !== undefined ? { version: scope.version } : {}), ...(scope.schemaUrl !== undefined ? { schemaUrl: scope.schemaUrl } : {}), ...(scope.attributes ? { attributes: scope.attributes } : {}) },
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  };
  if (span.parentSpanContext) out.parent = contextOut(span.parentSpanContext);
  return out;
}

/** The span again, with this thread's resource and shared scope objects. */
export function decodeSpan(span: TransferSpan, resource: Resource, scopes: ScopeCache): ReadableSpan {
  const events: TimedEvent[] = span.events.map((event) => ({
    name: event.name,
    time: event.time,
    ...(event.attributes ? { attributes: event.attributes } : {}),
    ...(event.dropped ? { droppedAttributesCount: event.dropped } : {}),
  }));
  const links: Link[] = span.links.map((link) => ({
    context: contextIn(link.context),
    ...(link.attributes ? { attributes: link.attributes } : {}),
    ...(link.dropped ? { droppedAttributesCount: link.dropped } : {}),
  }));
  return new GuestReadableSpan(
    contextIn(span.context),
    span.parent ? contextIn(span.parent) : undefined,
    span.name,
    span.kind,
    span.startTime,
    span.endTime,
    span.status,
    span.attributes,
    links,
    events,
    resource,
    scopes.scope(span.scope.name, span.scope.version, span.scope.schemaUrl, span.scope.attributes),
    span.dropped[0],
    span.dropped[1],
    span.dropped[2],
  );
}
