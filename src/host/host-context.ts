import type { Tracer } from '@opentelemetry/api';
import type { EngineLimits, GuestInstruments, LogPipeline, MetricPipeline, ProblemCounter, SpanPipeline } from '../engine/index.js';

/** What the host shares with every component and module it loads. */
export interface HostContext {
  tracer: Tracer;
  pipeline: SpanPipeline;
  metrics: MetricPipeline;
  /** Host-side instruments for metrics core modules report by name (statsd). */
  instruments: GuestInstruments;
  logs: LogPipeline;
  limits: EngineLimits;
  problems: ProblemCounter;
  /** Function calls of instrumented core modules shorter than this are not exported as spans. */
  minSpanMicros: number;
}
