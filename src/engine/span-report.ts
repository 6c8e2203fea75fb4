import type { AttributeValue, HrTime, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';

/** One attribute as the guest reported it, in order; the same key may appear twice. */
export type AttributeEntry = readonly [key: string, value: AttributeValue];

export interface EventReport {
  name: string;
  time: HrTime;
  attributes: AttributeEntry[];
  /** Attributes the front-end could not decode. */
  droppedAttributesCount: number;
}

export interface LinkReport {
  context: SpanContext;
  attributes: AttributeEntry[];
  droppedAttributesCount: number;
}

export interface ScopeReport {
  name: string;
  version?: string;
  schemaUrl?: string;
  attributes: AttributeEntry[];
}

/**
 * A finished span as a front-end decoded it from the guest, before limits are applied.
 * Front-ends produce this; only the engine turns it into an OTel `ReadableSpan`.
 */
export interface SpanReport {
  spanContext: SpanContext;
  /** Parent span id (same trace), or undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  startTime: HrTime;
  endTime: HrTime;
  attributes: AttributeEntry[];
  events: EventReport[];
  links: LinkReport[];
  status: SpanStatus;
  scope: ScopeReport;
  /** Counts the guest reported itself plus what the front-end could not decode. */
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}
