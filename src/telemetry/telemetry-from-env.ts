import type { MeterProvider as ApiMeterProvider, TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider as ApiLoggerProvider } from '@opentelemetry/api-logs';
import { getNumberFromEnv } from '@opentelemetry/core';
import { LoggerProvider, type LogRecordLimits } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ProblemCounter } from '../engine/index.js';
import { ConsoleReport } from './console-report.js';
import type { TextSink } from './console-tree-exporter.js';
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
  /** Flushes and stops every exporter, then prints the console report. Never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Builds what the CLI exports through, from the standard OTEL_* variables (sampler, limits,
 * resource, exporters per signal, protocols, endpoints, batch settings).
 */
export function telemetryFromEnv(problems: ProblemCounter, consoleSink: TextSink = process.stderr): EnvTelemetry {
  const config = readTelemetryEnv(problems);
  if (config.disabled) return { tracerProvider: undefined, loggerProvider: undefined, metricExporters: [], meterProvider: undefined, shutdown: async () => {} };
  const resource = resourceFromEnv();
  const report = new ConsoleReport();
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: spanProcessorsFor(config, report) });
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessorsFor(config, report), logRecordLimits: logRecordLimitsFromEnv() });
  const metricExporters = metricExportersFor(config, report);
  const meterProvider = metricExporters.length > 0 ? new MeterProvider({ resource, readers: metricExporters.map(periodicReader) }) : undefined;
  const settle = async (what: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      problems.report('host_error', `flushing ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    tracerProvider,
    loggerProvider,
    metricExporters,
    meterProvider,
    async shutdown() {
      await Promise.all([
        settle('spans', () => tracerProvider.shutdown()),
        settle('log records', () => loggerProvider.shutdown()),
        // The readers' last collection, then the exporters' shutdown (which waits for sends).
        settle('metrics', async () => meterProvider?.shutdown()),
      ]);
      report.print(consoleSink);
    },
  };
}

/** OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT, else the general OTEL_ATTRIBUTE_*_LIMIT (the SDK's LoggerProvider does not read them). */
function logRecordLimitsFromEnv(): LogRecordLimits {
  const limits: LogRecordLimits = {};
  const count = getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT');
  const length = getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  if (count !== undefined && count >= 0) limits.attributeCountLimit = count;
  if (length !== undefined && length >= 0) limits.attributeValueLengthLimit = length;
  return limits;
}

/** A periodic reader on one exporter, with OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (the SDK does not read them). */
function periodicReader(exporter: PushMetricExporter): PeriodicExportingMetricReader {
  const interval = getNumberFromEnv('OTEL_METRIC_EXPORT_INTERVAL');
  const timeout = getNumberFromEnv('OTEL_METRIC_EXPORT_TIMEOUT');
  const exportIntervalMillis = interval !== undefined && interval > 0 ? interval : 60_000;
  const exportTimeoutMillis = Math.min(timeout !== undefined && timeout > 0 ? timeout : 30_000, exportIntervalMillis);
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis });
}
