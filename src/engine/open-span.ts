import { SpanKind, SpanStatusCode, type AttributeValue, type HrTime, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import type { ClockAnchor } from './anchored-clock.js';
import { NO_ATTRIBUTES, eventAttributes, spanAttributes, type AttributeBuilder } from './attribute-builder.js';
import type { EngineLimits } from './limits.js';
import { addGrowthTotals, type Growth } from './memory-growth.js';
import { CLOSE_REASON_ATTRIBUTE, UNENDED_SPAN_NAME, type CloseReason } from './open-span-journal.js';
import type { EventReport, LinkReport, ScopeReport, SpanReport } from './span-report.js';

export const HOST_SCOPE_NAME = 'wasm-otel';

/** What the host knows of a span between its start and its end. */
export interface OpenSpan {
  context: SpanContext;
  /** When the span started, if the guest said; else the host's clock reading below. */
  startTime: HrTime | undefined;
  startAnchor: ClockAnchor;
  startPerf: number;
  /** The parent: given by the guest, or the span that was current when it started. */
  parentSpanId: string | undefined;
  /** True when the guest named the parent at start (draft-2025-03's `on-start(span, parent)`). */
  parentGiven: boolean;
  /** Known only for shapes that send it at start (or spans the engine itself manages). */
  name: string | undefined;
  kind: SpanKind;
  attributes: [string, AttributeValue][];
  /** Present for spans the engine manages (wasi:observe, core-module Observe API). */
  managed: ManagedSpanData | undefined;
  /** Handle of the span in the pipeline's open-span journal (-1: not noted). */
  journal: number;
}

/** What a managed span collects between its start and its end. */
export interface ManagedSpanData {
  attributes: AttributeBuilder;
  events: EventReport[];
  links: LinkReport[];
  status: SpanStatus;
  scope: string;
  /** Front-end's own mark (e.g. "manual", or a function index for automatic spans). */
  tag: string | number | undefined;
  /** WebAssembly pages `memory.grow` added inside the span (exported as totals when > 0). */
  grownPages: number;
  /** Events not kept: past the event count limit. */
  droppedEvents: number;
  /** Links not kept: past the link count limit. */
  droppedLinks: number;
  /** Links the guest gave that could not be decoded (already reported by the front-end). */
  invalidLinks: number;
  /** Managed spans still open inside it move to its parent when it ends (see ManagedSpanOptions). */
  reparentsChildren: boolean;
  /** The start time came from the guest (see ManagedSpanOptions). */
  startFromGuest: boolean;
}

/** Adds an event to a managed span; past the event count limit it is only counted. */
export function pushEvent(managed: ManagedSpanData, event: EventReport, limits: EngineLimits): void {
  if (managed.events.length < limits.eventCountLimit) managed.events.push(event);
  else managed.droppedEvents++;
}

/** An event with its attributes (within the event attribute limits), at `time`. */
export function addManagedEvent(managed: ManagedSpanData, name: string, attributes: readonly [string, AttributeValue][], time: HrTime, limits: EngineLimits): void {
  const builder = eventAttributes(limits);
  for (const [key, value] of attributes) builder.add(key, value);
  pushEvent(managed, { name, time, attributes: builder }, limits);
}

/** Sets the status as the OTel API says: `unset` is ignored, and so is anything after `ok` (final). */
export function setManagedStatus(managed: ManagedSpanData, status: SpanStatus): void {
  if (status.code === SpanStatusCode.UNSET || managed.status.code === SpanStatusCode.OK) return;
  managed.status = status.code === SpanStatusCode.OK ? { code: SpanStatusCode.OK } : status;
}

/** Adds a link to a managed span; past the link count limit it is only counted. */
export function pushLink(managed: ManagedSpanData, link: LinkReport, limits: EngineLimits): void {
  if (managed.links.length < limits.linkCountLimit) managed.links.push(link);
  else managed.droppedLinks++;
}

/** The scope of spans the host makes, by name (no version, no attributes: one object each, shared). */
const scopeReports = new Map<string, ScopeReport>();
const scopeReport = (name: string): ScopeReport => {
  let scope = scopeReports.get(name);
  if (scope === undefined) {
    scope = { name, version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES };
    if (scopeReports.size < 64) scopeReports.set(name, scope);
  }
  return scope;
};

/** A managed span as it is exported: ended at `endTime` with `status` (and `extra` attributes). */
export function managedReport(span: OpenSpan, startTime: HrTime, endTime: HrTime, status: SpanStatus, extra: readonly [string, AttributeValue][]): SpanReport {
  const managed = span.managed!;
  for (const [key, value] of extra) managed.attributes.add(key, value);
  if (managed.grownPages > 0) addGrowthTotals(managed.attributes, managed.grownPages);
  return reportOf(span, startTime, endTime, status, managed, managed.droppedLinks + managed.invalidLinks);
}

/** A span the guest identified (wasi:otel) and left open, as the host closes it: status error, the close reason. */
export function closedGuestReport(span: OpenSpan, startTime: HrTime, endTime: HrTime, reason: CloseReason, detail: string, limits: EngineLimits): SpanReport {
  const attributes = spanAttributes(limits);
  for (const [key, value] of span.attributes) attributes.add(key, value);
  attributes.add(CLOSE_REASON_ATTRIBUTE, reason);
  const parts = { attributes, events: [], links: [], scope: HOST_SCOPE_NAME, droppedEvents: 0 };
  return reportOf(span, startTime, endTime, { code: SpanStatusCode.ERROR, message: detail }, parts, 0);
}

type ReportParts = Pick<ManagedSpanData, 'attributes' | 'events' | 'links' | 'scope' | 'droppedEvents'>;

/** The report of an open span, as one literal (an object spread here cost microseconds per span in Node 20). */
function reportOf(span: OpenSpan, startTime: HrTime, endTime: HrTime, status: SpanStatus, parts: ReportParts, droppedLinks: number): SpanReport {
  return {
    spanContext: span.context,
    parentSpanId: span.parentSpanId,
    name: span.name ?? UNENDED_SPAN_NAME,
    kind: span.kind,
    startTime,
    endTime,
    attributes: parts.attributes,
    events: parts.events,
    links: parts.links,
    status,
    scope: scopeReport(parts.scope),
    droppedEventsCount: parts.droppedEvents,
    droppedLinksCount: droppedLinks,
  };
}

/** The context of a function span on the base's trace (the span current below the light calls). */
export function functionSpanContext(spanId: string, base: SpanContext): SpanContext {
  return { traceId: base.traceId, spanId, traceFlags: base.traceFlags, isRemote: false, ...(base.traceState ? { traceState: base.traceState } : {}) };
}

/** A function call's managed-span data (open ones become managed spans; finished ones are exported from it). */
export function functionSpanData(scope: string, tag: number, growth: Growth, limits: EngineLimits): ManagedSpanData {
  const attributes = spanAttributes(limits);
  // The span's own list: events are added to it while it is open (NO_GROWTH's is shared).
  const events = growth.events.length === 0 ? [] : growth.events;
  return { attributes, events, links: [], status: { code: SpanStatusCode.UNSET }, scope, tag, grownPages: growth.pages, droppedEvents: growth.dropped, droppedLinks: 0, invalidLinks: 0, reparentsChildren: true, startFromGuest: false };
}
