import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchLogRecordProcessor, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
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
      return [new BatchLogRecordProcessor({ exporter: config.logsProtocol === 'http/json' ? new OtlpHttpJsonLogExporter() : new OtlpProtoLogExporter() })];
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
