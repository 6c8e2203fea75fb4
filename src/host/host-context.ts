import type { TextMapPropagator } from '@opentelemetry/api';
import type { EngineLimits, GuestInstruments, HostCaches, InstanceRegistry, LogPipeline, MetricPipeline, ProblemCounter, SpanPipeline } from '../engine/index.js';
import type { HostTelemetry } from './host-telemetry.js';

/** What the host shares with every component and module it loads. */
export interface HostContext {
  /** The app's providers as they are now: refresh() when instantiating, tracerForCall() for each call. */
  telemetry: HostTelemetry;
  /** = telemetry.spans: the current span pipeline (a view: read its fields when used). */
  pipeline: SpanPipeline;
  metrics: MetricPipeline;
  /** Host-side instruments for metrics core modules report by name (statsd). */
  instruments: GuestInstruments;
  /** = telemetry.logs: the current log pipeline (a view). */
  logs: LogPipeline;
  /** = telemetry.limits (updated in place when the tracer provider changes). */
  limits: EngineLimits;
  problems: ProblemCounter;
  /** Function calls of instrumented core modules shorter than this are not exported as spans. */
  minSpanMicros: number;
  /** Scopes and guest resources, shared by the host's instances; emptied by dispose(). */
  caches: HostCaches;
  /** The host's live instances (a span open in one cannot be ended by another). */
  instances: InstanceRegistry;
  /** When set, host imports stop the guest once `[0]` holds a signal number (see interruptible). */
  interrupt?: Int32Array;
  /** Reads and writes trace context on HTTP requests (default: the global propagator). */
  propagator?: TextMapPropagator;
}
