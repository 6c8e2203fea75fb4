import type { HrTime, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { AttributeBuilder } from './attribute-builder.js';

export interface EventReport {
  name: string;
  time: HrTime;
  attributes: AttributeBuilder;
}

export interface LinkReport {
  context: SpanContext;
  attributes: AttributeBuilder;
}

export interface ScopeReport {
  name: string;
  version: string | undefined;
  schemaUrl: string | undefined;
  attributes: AttributeBuilder;
}

/**
 * A finished span as a front-end decoded it from the guest. Attributes were collected through
 * the engine's AttributeBuilder (limits applied); counts of events and links and name lengths are
 * limited when the engine turns this into an OTel `ReadableSpan`.
 */
export interface SpanReport {
  spanContext: SpanContext;
  /** Parent span id (same trace), or undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  startTime: HrTime;
  endTime: HrTime;
  attributes: AttributeBuilder;
  events: EventReport[];
  links: LinkReport[];
  status: SpanStatus;
  scope: ScopeReport;
  /** Counts the guest reported itself (links the front-end could not decode included). */
  droppedEventsCount: number;
  droppedLinksCount: number;
}
