export { DEFAULT_LIMITS, resolveLimits, type EngineLimits, type SdkSpanLimits } from './limits.js';
export { ProblemCounter, type ProblemReason } from './problems.js';
export { fitsOtlpNumber, OTLP_NUMBER_REASON } from './otlp-numbers.js';
export type { EventReport, LinkReport, ScopeReport, SpanReport } from './span-report.js';
export type { LogReport } from './log-report.js';
export { AttributeBuilder, NO_ATTRIBUTES, spanAttributes, eventAttributes, linkAttributes } from './attribute-builder.js';
export type { SpanPipeline } from './span-pipeline.js';
export { exportMetrics, type MetricPipeline } from './metric-pipeline.js';
export { emitLog, type LogPipeline } from './log-pipeline.js';
export { InternCache, ScopeCache, attributesKey, DEFAULT_INTERN_LIMITS, type InternCacheLimits, type Scope } from './scope-cache.js';
export { GuestReadableSpan, toReadableSpan } from './readable-span.js';
export { createHostCaches, type HostCaches } from './host-caches.js';
export { InstanceRegistry } from './instance-registry.js';
export { GuestLogRecord } from './guest-log-record.js';
export type {
  GuestExemplar,
  GuestNumber,
  GuestPointExtras,
  GuestNumberPoint,
  GuestHistogramPoint,
  GuestExponentialHistogramPoint,
} from './metric-report.js';
export {
  InstanceSpanState,
  CLOSE_REASON_ATTRIBUTE,
  UNENDED_SPAN_NAME,
  HOST_SCOPE_NAME,
  type CloseReason,
  type StartDetails,
  type ManagedSpanOptions,
} from './instance-span-state.js';
export { FunctionCallTracker } from './function-call-tracker.js';
export { journaledSpansAsEnded, noteOpenSpansClosed, type JournalEntry, type OpenSpanJournal } from './open-span-journal.js';
export { isReported, markReported } from './reported-errors.js';
export { GuestInstruments, type GuestMeasurement } from './guest-instruments.js';
export { MEMORY_GROW_EVENT, MEMORY_GROW_PAGES, MEMORY_GROW_BYTES, MEMORY_GROWN_PAGES_TOTAL, MEMORY_GROWN_BYTES_TOTAL, type FunctionCallOptions } from './instance-span-state.js';
