/**
 * The JS shapes jco gives host imports of wasi:otel@0.2.0-rc.2, from the generated types.
 * `main` differs only by a function name, so the record types are shared.
 */
export type {
  SpanContext as WitSpanContext,
  SpanData as WitSpanData,
  SpanKind as WitSpanKind,
  Status as WitStatus,
  Event as WitEvent,
  Link as WitLink,
  TraceState as WitTraceState,
} from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
export type {
  KeyValue as WitKeyValue,
  InstrumentationScope as WitInstrumentationScope,
} from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-types.js';
export type { Datetime as WitDatetime } from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-clocks-wall-clock.js';
