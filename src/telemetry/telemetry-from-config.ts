import type { MeterProvider as ApiMeterProvider, TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider as ApiLoggerProvider } from '@opentelemetry/api-logs';
import { getNumberFromEnv } from '@opentelemetry/core';
import { LoggerProvider, type LogRecordLimits } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ProblemCounter } from '../engine/index.js';
import { ConsoleReport } from './console-report.js';
import type { TextSink } from './console-tree-exporter.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import type { TelemetryEnvConfig } from './env-config.js';
import { DEFAULT_EXPORT_SETTINGS, exportSettingsFromEnv, type ExportSettings } from './export-settings.js';
import { resourceFromEnv } from './resource.js';
import type { OtlpExporters } from './otlp-exporters.js';
import { logProcessorsFor, metricExportersFor, spanProcessorsFor } from './signal-exporters.js';

/** Providers and exporters built from the environment, and how to flush them before the process exits. */
export interface EnvTelemetry {
  /** Undefined when OTEL_SDK_DISABLED=true: nothing is recorded or exported. */
  tracerProvider: TracerProvider | undefined;
  /** Where guest log records go; undefined when disabled. */
  loggerProvider: ApiLoggerProvider | undefined;
  /** Where guest metrics go (empty when disabled or OTEL_METRICS_EXPORTER=none). */
  metricExporters: PushMetricExporter[];
  /**
   * Host-side instruments (core modules' statsd metrics) are read by one periodic reader per
   * metric exporter (OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT) and collected once more at shutdown.
   * Undefined when there is no metric exporter.
   */
  meterProvider: ApiMeterProvider | undefined;
  /** What each OTLP exporter was handed and could not deliver. */
  ledgers: readonly DeliveryLedger[];
  /** The checked batch and export settings (OTEL_BSP_*, OTEL_BLRP_*, OTEL_METRIC_EXPORT_*) in use. */
  settings: ExportSettings;
  /**
   * Flushes and stops every exporter, each signal within its export timeout
   * (OTEL_BSP_EXPORT_TIMEOUT, OTEL_BLRP_EXPORT_TIMEOUT, OTEL_METRIC_EXPORT_TIMEOUT; 30 s by
   * default), reports one line per signal for what was not delivered, then prints the console
   * report. Never rejects.
   */
  shutdown(): Promise<void>;
  /**
   * For an exit that cannot wait (a second signal): prints the console report with what it holds
   * so far, synchronously. Nothing is flushed.
   */
  abandon(): void;
  /**
   * Flushes the span and log processors, then prints what the console report holds so far (the
   * traces that ended, their log records, the metrics) and starts it over: a server's report per
   * request. Nothing printed when no signal goes to the console. Never rejects.
   */
  flushToConsole(): Promise<void>;
}

/** What a command adds to the exporters the environment asks for (e.g. `--trace-file`). */
export interface TelemetryExtras {
  /** Span processors beside those of OTEL_TRACES_EXPORTER (they get every span too). */
  spanProcessors?: SpanProcessor[];
  /**
   * Runs after the providers shut down (so the processors above are shut down), before the
   * console report is printed; also when OTEL_SDK_DISABLED=true. Reports its own problems.
   */
  afterShutdown?: (problems: ProblemCounter) => Promise<void>;
  /** Runs synchronously on abandon() (an exit that cannot wait). */
  onAbandon?: () => void;
}

/**
 * Builds what the CLI exports through, from the standard OTEL_* variables (sampler, limits,
 * resource, exporters per signal, protocols, endpoints, batch settings; `config`, read by
 * readTelemetryEnv), plus `extras`. `otlp`: the OTLP exporters (otlp-exporters.js), needed only
 * when a signal goes to OTLP (usesOtlp). See telemetryFromEnv for all of it in one call.
 */
export function telemetryFromConfig(config: TelemetryEnvConfig, otlp: OtlpExporters | undefined, problems: ProblemCounter, consoleSink: TextSink = process.stderr, extras: TelemetryExtras = {}): EnvTelemetry {
  const afterShutdown = async (): Promise<void> => {
    await extras.afterShutdown?.(problems).catch((error: unknown) => problems.hostError('shutdown', error));
  };
  if (config.disabled) {
    return { tracerProvider: undefined, loggerProvider: undefined, metricExporters: [], meterProvider: undefined, ledgers: [], settings: DEFAULT_EXPORT_SETTINGS, shutdown: afterShutdown, abandon: () => extras.onAbandon?.(), flushToConsole: async () => {} };
  }
  const settings = exportSettingsFromEnv(problems);
  const resource = resourceFromEnv();
  const report = new ConsoleReport(problems);
  const ledgers: DeliveryLedger[] = [];
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [...spanProcessorsFor(config, settings, report, ledgers, otlp), ...(extras.spanProcessors ?? [])] });
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessorsFor(config, settings, report, ledgers, otlp), logRecordLimits: logRecordLimitsFromEnv() });
  const metricExporters = metricExportersFor(config, report, ledgers, otlp);
  const readers = metricExporters.map((exporter) => new PeriodicExportingMetricReader({ exporter, ...settings.metrics }));
  const meterProvider = metricExporters.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  return {
    tracerProvider,
    loggerProvider,
    metricExporters,
    meterProvider,
    ledgers,
    settings,
    async shutdown() {
      await Promise.all([
        withinTimeout(() => tracerProvider.shutdown(), settings.spans.exportTimeoutMillis),
        withinTimeout(() => loggerProvider.shutdown(), settings.logs.exportTimeoutMillis),
        // The readers' last collection, then the exporters' shutdown (which waits for sends).
        withinTimeout(async () => meterProvider?.shutdown(), settings.metrics.exportTimeoutMillis),
      ]);
      await afterShutdown();
      reportUndelivered(ledgers, problems);
      report.print(consoleSink);
    },
    abandon() {
      extras.onAbandon?.();
      report.print(consoleSink);
    },
    async flushToConsole() {
      await Promise.all([tracerProvider.forceFlush().catch(() => undefined), loggerProvider.forceFlush().catch(() => undefined)]);
      report.print(consoleSink);
    },
  };
}

/**
 * Runs a flush, giving up after `millis`. A failed or late flush is not reported here: what it
 * failed to deliver is in the exporters' ledgers, reported once per signal.
 */
async function withinTimeout(flush: () => Promise<unknown>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, millis);
  });
  try {
    await Promise.race([flush().catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line per exporter that could not deliver everything it was handed (failed or still sending). */
export function reportUndelivered(ledgers: readonly DeliveryLedger[], problems: ProblemCounter): void {
  for (const ledger of ledgers) {
    const message = ledger.describeUndelivered();
    if (message !== undefined) problems.report(ledger.problemReason, message, ledger.undelivered);
  }
}

/** OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT, else the general OTEL_ATTRIBUTE_*_LIMIT (the SDK's LoggerProvider does not read them). */
export function logRecordLimitsFromEnv(): LogRecordLimits {
  const limits: LogRecordLimits = {};
  const count = getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT');
  const length = getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  if (count !== undefined && count >= 0) limits.attributeCountLimit = count;
  if (length !== undefined && length >= 0) limits.attributeValueLengthLimit = length;
  return limits;
}

