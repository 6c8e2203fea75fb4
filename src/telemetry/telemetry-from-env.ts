import type { MeterProvider as ApiMeterProvider, TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider as ApiLoggerProvider } from '@opentelemetry/api-logs';
import { getNumberFromEnv } from '@opentelemetry/core';
import { LoggerProvider, type LogRecordLimits } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ProblemCounter } from '../engine/index.js';
import { ConsoleReport } from './console-report.js';
import type { TextSink } from './console-tree-exporter.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { readTelemetryEnv } from './env-config.js';
import { resourceFromEnv } from './resource.js';
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
}

/** The SDK's default export timeout (spans, log records, metrics). */
export const DEFAULT_EXPORT_TIMEOUT_MILLIS = 30_000;

/**
 * Builds what the CLI exports through, from the standard OTEL_* variables (sampler, limits,
 * resource, exporters per signal, protocols, endpoints, batch settings).
 */
export function telemetryFromEnv(problems: ProblemCounter, consoleSink: TextSink = process.stderr): EnvTelemetry {
  const config = readTelemetryEnv(problems);
  if (config.disabled) {
    return { tracerProvider: undefined, loggerProvider: undefined, metricExporters: [], meterProvider: undefined, ledgers: [], shutdown: async () => {}, abandon: () => {} };
  }
  const resource = resourceFromEnv();
  const report = new ConsoleReport(problems);
  const ledgers: DeliveryLedger[] = [];
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: spanProcessorsFor(config, report, ledgers) });
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessorsFor(config, report, ledgers), logRecordLimits: logRecordLimitsFromEnv() });
  const metricExporters = metricExportersFor(config, report, ledgers);
  const meterProvider = metricExporters.length > 0 ? new MeterProvider({ resource, readers: metricExporters.map(periodicReader) }) : undefined;
  return {
    tracerProvider,
    loggerProvider,
    metricExporters,
    meterProvider,
    ledgers,
    async shutdown() {
      await Promise.all([
        withinTimeout(() => tracerProvider.shutdown(), exportTimeoutFromEnv('OTEL_BSP_EXPORT_TIMEOUT')),
        withinTimeout(() => loggerProvider.shutdown(), exportTimeoutFromEnv('OTEL_BLRP_EXPORT_TIMEOUT')),
        // The readers' last collection, then the exporters' shutdown (which waits for sends).
        withinTimeout(async () => meterProvider?.shutdown(), exportTimeoutFromEnv('OTEL_METRIC_EXPORT_TIMEOUT')),
      ]);
      reportUndelivered(ledgers, problems);
      report.print(consoleSink);
    },
    abandon() {
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

/** An export timeout variable in milliseconds (> 0), else the SDK's default. */
export function exportTimeoutFromEnv(variable: string): number {
  const value = getNumberFromEnv(variable);
  return value !== undefined && value > 0 ? value : DEFAULT_EXPORT_TIMEOUT_MILLIS;
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

/** OTEL_METRIC_EXPORT_INTERVAL in milliseconds (> 0), else 60 s. */
export function metricExportIntervalFromEnv(): number {
  const interval = getNumberFromEnv('OTEL_METRIC_EXPORT_INTERVAL');
  return interval !== undefined && interval > 0 ? interval : 60_000;
}

/** The batch queue sizes (OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BLRP_MAX_QUEUE_SIZE; 2048 each by default). */
export function queueSizesFromEnv(): { spans: number; logs: number } {
  const size = (variable: string): number => {
    const value = getNumberFromEnv(variable);
    return value !== undefined && value > 0 ? Math.floor(value) : 2048;
  };
  return { spans: size('OTEL_BSP_MAX_QUEUE_SIZE'), logs: size('OTEL_BLRP_MAX_QUEUE_SIZE') };
}

/** A periodic reader on one exporter, with OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (the SDK does not read them). */
function periodicReader(exporter: PushMetricExporter): PeriodicExportingMetricReader {
  const timeout = getNumberFromEnv('OTEL_METRIC_EXPORT_TIMEOUT');
  const exportIntervalMillis = metricExportIntervalFromEnv();
  const exportTimeoutMillis = Math.min(timeout !== undefined && timeout > 0 ? timeout : 30_000, exportIntervalMillis);
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis });
}
