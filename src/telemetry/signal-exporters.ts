import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { getNumberFromEnv } from '@opentelemetry/core';
import { BatchLogRecordProcessor, SimpleLogRecordProcessor, type BatchLogRecordProcessorOptions, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ConsoleReport } from './console-report.js';
import type { TelemetryEnvConfig } from './env-config.js';
import { OtlpGuestMetricExporter } from './otlp-metric-exporter.js';

/*
 * The exporters the environment asks for, per signal. OTLP exporters read their endpoint,
 * headers, timeout and compression variables themselves; spans and log records go through the
 * SDK's batch processors (OTEL_BSP_* / OTEL_BLRP_* apply). Guest metrics arrive already
 * aggregated, so they go straight to the exporter. `console` collects into the run's report.
 */

export function spanProcessorsFor(config: TelemetryEnvConfig, report: ConsoleReport): SpanProcessor[] {
  return config.traceExporters.flatMap((name): SpanProcessor[] => {
    if (name === 'otlp') {
      return [new BatchSpanProcessor(config.tracesProtocol === 'http/json' ? new OtlpHttpJsonTraceExporter() : new OtlpProtoTraceExporter())];
    }
    return name === 'console' ? [new SimpleSpanProcessor(report.spanExporter)] : [];
  });
}

export function logProcessorsFor(config: TelemetryEnvConfig, report: ConsoleReport): LogRecordProcessor[] {
  return config.logExporters.flatMap((name): LogRecordProcessor[] => {
    if (name === 'otlp') {
      return [new BatchLogRecordProcessor({ exporter: config.logsProtocol === 'http/json' ? new OtlpHttpJsonLogExporter() : new OtlpProtoLogExporter(), ...batchLogOptionsFromEnv() })];
    }
    return name === 'console' ? [new SimpleLogRecordProcessor({ exporter: report.logExporter })] : [];
  });
}

export function metricExportersFor(config: TelemetryEnvConfig, report: ConsoleReport): PushMetricExporter[] {
  return config.metricExporters.flatMap((name): PushMetricExporter[] => {
    if (name === 'otlp') return [new OtlpGuestMetricExporter(config.metricsProtocol)];
    return name === 'console' ? [report.metricExporter] : [];
  });
}

const BLRP_VARIABLES = {
  scheduledDelayMillis: 'OTEL_BLRP_SCHEDULE_DELAY',
  exportTimeoutMillis: 'OTEL_BLRP_EXPORT_TIMEOUT',
  maxQueueSize: 'OTEL_BLRP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
} as const;

/**
 * The OTEL_BLRP_* batch settings (the SDK's BatchSpanProcessor reads OTEL_BSP_* itself; its
 * BatchLogRecordProcessor does not read OTEL_BLRP_*). Unset or invalid variables keep the defaults.
 */
export function batchLogOptionsFromEnv(): Omit<BatchLogRecordProcessorOptions, 'exporter'> {
  const options: Omit<BatchLogRecordProcessorOptions, 'exporter'> = {};
  for (const [option, variable] of Object.entries(BLRP_VARIABLES) as [keyof typeof BLRP_VARIABLES, string][]) {
    const value = getNumberFromEnv(variable);
    if (value !== undefined && value > 0) options[option] = value;
  }
  return options;
}
