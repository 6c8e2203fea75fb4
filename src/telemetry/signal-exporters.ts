import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { BatchLogRecordProcessor, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AccountedLogExporter, AccountedMetricExporter, AccountedSpanExporter } from './accounted-exporters.js';
import type { ConsoleReport } from './console-report.js';
import { DeliveryLedger, type TelemetrySignal } from './delivery-ledger.js';
import type { TelemetryEnvConfig } from './env-config.js';
import type { ExportSettings } from './export-settings.js';
import { OtlpGuestMetricExporter } from './otlp-metric-exporter.js';

/*
 * The exporters the environment asks for, per signal. OTLP exporters read their endpoint,
 * headers, timeout and compression variables themselves; spans and log records go through the
 * SDK's batch processors, with the checked OTEL_BSP_* / OTEL_BLRP_* settings (export-settings.ts). Guest metrics arrive already
 * aggregated, so they go straight to the exporter. `console` collects into the run's report.
 * Every OTLP exporter is wrapped so that its exports go out in order, a few at a time, and what
 * it could not deliver is booked in a DeliveryLedger (added to `ledgers`) for the report at exit.
 */

export function spanProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[]): SpanProcessor[] {
  return config.traceExporters.flatMap((name): SpanProcessor[] => {
    if (name === 'otlp') {
      const otlp = config.tracesProtocol === 'http/json' ? new OtlpHttpJsonTraceExporter() : new OtlpProtoTraceExporter();
      return [new BatchSpanProcessor(new AccountedSpanExporter(otlp, ledgerFor('traces', ledgers)), { ...settings.spans })];
    }
    return name === 'console' ? [new SimpleSpanProcessor(report.spanExporter)] : [];
  });
}

export function logProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[]): LogRecordProcessor[] {
  return config.logExporters.flatMap((name): LogRecordProcessor[] => {
    if (name === 'otlp') {
      const otlp = config.logsProtocol === 'http/json' ? new OtlpHttpJsonLogExporter() : new OtlpProtoLogExporter();
      return [new BatchLogRecordProcessor({ exporter: new AccountedLogExporter(otlp, ledgerFor('logs', ledgers)), ...settings.logs })];
    }
    return name === 'console' ? [new SimpleLogRecordProcessor({ exporter: report.logExporter })] : [];
  });
}

export function metricExportersFor(config: TelemetryEnvConfig, report: ConsoleReport, ledgers: DeliveryLedger[]): PushMetricExporter[] {
  return config.metricExporters.flatMap((name): PushMetricExporter[] => {
    if (name === 'otlp') return [new AccountedMetricExporter(new OtlpGuestMetricExporter(config.metricsProtocol), ledgerFor('metrics', ledgers))];
    return name === 'console' ? [report.metricExporter] : [];
  });
}

const SIGNAL_PATHS: Record<TelemetrySignal, [string, string]> = {
  traces: ['TRACES', 'v1/traces'],
  metrics: ['METRICS', 'v1/metrics'],
  logs: ['LOGS', 'v1/logs'],
};

/** A ledger for one OTLP exporter, named after the URL the SDK resolves from the environment. */
function ledgerFor(signal: TelemetrySignal, ledgers: DeliveryLedger[]): DeliveryLedger {
  const [name, path] = SIGNAL_PATHS[signal];
  const ledger = new DeliveryLedger(signal, convertLegacyHttpOptions({}, name, path, {}).url);
  ledgers.push(ledger);
  return ledger;
}
