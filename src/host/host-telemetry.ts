import { diag, metrics, trace, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { logs, type LoggerProvider } from '@opentelemetry/api-logs';
import type { IdGenerator, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { GuestInstruments, resolveLimits, type EngineLimits, type LogPipeline, type OpenSpanJournal, type ProblemCounter, type SdkSpanLimits, type SpanPipeline } from '../engine/index.js';
import { API_SCOPE } from '../core/observe-api.js';
import { FollowedLogPipeline } from '../telemetry/sdk-log-pipeline.js';
import { FollowedTracing, isProxyTracerProvider, type HostTracing } from '../telemetry/sdk-pipeline.js';

/** The providers a host was given; a missing one means the global one, followed as it changes. */
export interface HostProviders {
  tracerProvider?: TracerProvider;
  loggerProvider?: LoggerProvider;
  meterProvider?: MeterProvider;
  /** Limits set by the embedder or the environment; they win over the tracer provider's span limits. */
  limits: Partial<EngineLimits>;
  problems: ProblemCounter;
  openSpanJournal?: OpenSpanJournal;
}

/**
 * The telemetry a host hands its guests' data to, following the app's providers.
 *
 * A host made without providers uses the global ones as they are when a guest is instantiated or
 * called, not as they were when the host was made: an app may create the host first and register
 * its providers later (`NodeTracerProvider.register()`, `NodeSDK.start()`), swap them, or remove
 * them. A ProxyTracerProvider or ProxyLoggerProvider passed explicitly is followed the same way
 * (its delegate); any other provider is fixed. `refresh()` looks the providers up again (an
 * identity check each; the pipeline is only resolved again for another provider). `spans` and
 * `logs` are views of the current pipelines and `limits` is updated in place, so what holds them
 * sees the change.
 */
export class HostTelemetry {
  /** The span pipeline guest spans go to (a view of the current one: read its fields when used). */
  readonly spans: SpanPipeline;
  /** The log pipeline guest log records go to (a view of the current one). */
  readonly logs: LogPipeline;
  /** The engine's limits: the provider's span limits with the embedder's on top (updated in place). */
  readonly limits: EngineLimits;
  /** Host-side instruments for metrics core modules report by name (statsd), from the meter provider. */
  readonly instruments: GuestInstruments;
  /**
   * False when spans can never be exported by this host (a fixed provider that is not an SDK
   * one): instrumented core modules then get hooks that do nothing at all.
   */
  readonly mayTrace: boolean;
  /** `on` while the current span pipeline exports (read by core modules' hooks on their hot path). */
  readonly tracingSwitch: { on: boolean };
  private readonly tracing: FollowedTracing;
  private readonly logPipelines: FollowedLogPipeline;
  /** The tracer provider is the global one or a proxy: a call with none registered is worth a warning. */
  private readonly followsTracer: boolean;
  private readonly limitOverrides: Partial<EngineLimits>;
  private currentTracing: HostTracing;
  private currentLogs: LogPipeline;
  private warnedUnregistered = false;

  constructor(providers: HostProviders) {
    const { tracerProvider, loggerProvider, meterProvider } = providers;
    this.followsTracer = tracerProvider === undefined || isProxyTracerProvider(tracerProvider);
    this.tracing = new FollowedTracing(tracerProvider ? () => tracerProvider : () => trace.getTracerProvider());
    this.logPipelines = new FollowedLogPipeline(loggerProvider ? () => loggerProvider : () => logs.getLoggerProvider());
    this.instruments = new GuestInstruments(meterProvider ? () => meterProvider : () => metrics.getMeterProvider(), API_SCOPE, providers.problems);
    this.currentTracing = this.tracing.current();
    this.currentLogs = this.logPipelines.current();
    this.mayTrace = this.followsTracer || this.currentTracing.pipeline.enabled;
    this.tracingSwitch = { on: this.currentTracing.pipeline.enabled };
    this.limitOverrides = providers.limits;
    this.limits = resolveLimits(this.currentTracing.pipeline.spanLimits, this.limitOverrides);
    this.spans = spanPipelineView(() => this.currentTracing.pipeline, providers.openSpanJournal);
    this.logs = logPipelineView(() => this.currentLogs);
  }

  /** Looks the providers up again (when a guest is instantiated or called). */
  refresh(): void {
    const tracing = this.tracing.current();
    if (tracing !== this.currentTracing) {
      this.currentTracing = tracing;
      this.tracingSwitch.on = tracing.pipeline.enabled;
      Object.assign(this.limits, resolveLimits(tracing.pipeline.spanLimits, this.limitOverrides));
    }
    this.currentLogs = this.logPipelines.current();
  }

  /**
   * The tracer for the host span of a call into `guest`, after a refresh. Spans of a call made
   * while no tracer provider is registered go nowhere: the first such call says so (diag, once).
   */
  tracerForCall(guest: string): Tracer {
    this.refresh();
    if (this.followsTracer && !this.warnedUnregistered && this.tracing.unregistered) {
      this.warnedUnregistered = true;
      diag.warn(
        `wasm-otel: no tracer provider registered when ${guest} was called: its spans are not exported. ` +
          'Register one first (NodeSDK.start(), NodeTracerProvider.register(), trace.setGlobalTracerProvider()) ' +
          'or pass tracerProvider or spanProcessors to createHost.',
      );
    }
    return this.currentTracing.tracer;
  }
}

/** A SpanPipeline whose fields are those of `current()` when read. */
function spanPipelineView(current: () => SpanPipeline, journal: OpenSpanJournal | undefined): SpanPipeline {
  return {
    get spanProcessor(): SpanProcessor {
      return current().spanProcessor;
    },
    get sampler(): Sampler {
      return current().sampler;
    },
    get resource(): Resource {
      return current().resource;
    },
    get spanLimits(): SdkSpanLimits | undefined {
      return current().spanLimits;
    },
    get idGenerator(): IdGenerator {
      return current().idGenerator;
    },
    get enabled(): boolean {
      return current().enabled;
    },
    // Open spans are noted only for a pipeline that exports them.
    get journal(): OpenSpanJournal | undefined {
      return journal !== undefined && current().enabled ? journal : undefined;
    },
  };
}

/** A LogPipeline whose fields are those of `current()` when read. */
function logPipelineView(current: () => LogPipeline): LogPipeline {
  return {
    get processor(): LogRecordProcessor {
      return current().processor;
    },
    get resource(): Resource {
      return current().resource;
    },
    get attributeCountLimit(): number {
      return current().attributeCountLimit;
    },
    get attributeValueLengthLimit(): number {
      return current().attributeValueLengthLimit;
    },
    get enabled(): boolean {
      return current().enabled;
    },
  };
}
