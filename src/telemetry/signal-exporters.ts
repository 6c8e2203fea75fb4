import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPLogExporter as OtlpGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { BatchLogRecordProcessor, SimpleLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AccountedLogExporter, AccountedMetricExporter, AccountedSpanExporter } from './accounted-exporters.js';
import type { ConsoleReport } from './console-report.js';
import { DeliveryLedger, type TelemetrySignal } from './delivery-ledger.js';
import type { OtlpProtocol, TelemetryEnvConfig } from './env-config.js';
import type { ExportSettings } from './export-settings.js';
import { OtlpGuestMetricExporter } from './otlp-metric-exporter.js';

/*
 * The exporters the environment asks for, per signal. OTLP exporters (the SDK's, over
 * http/protobuf, http/json or gRPC) read their endpoint, headers, timeout, compression and
 * certificate variables themselves; spans and log records go through the
 * SDK's batch processors, with the checked OTEL_BSP_* / OTEL_BLRP_* settings (export-settings.ts). Guest metrics arrive already
 * aggregated, so they go straight to the exporter. `console` collects into the run's report.
 * Every OTLP exporter is wrapped so that its exports go out in order, a few at a time, and what
 * it could not deliver is booked in a DeliveryLedger (added to `ledgers`) for the report at exit.
 */

export function spanProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[]): SpanProcessor[] {
  return config.traceExporters.flatMap((name): SpanProcessor[] => {
    if (name === 'otlp') {
      const otlp = otlpSpanExporter(config.tracesProtocol);
      return [new BatchSpanProcessor(new AccountedSpanExporter(otlp, ledgerFor('traces', config.tracesProtocol, ledgers)), { ...settings.spans })];
    }
    return name === 'console' ? [new SimpleSpanProcessor(report.spanExporter)] : [];
  });
}

export function logProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[]): LogRecordProcessor[] {
  return config.logExporters.flatMap((name): LogRecordProcessor[] => {
    if (name === 'otlp') {
      const otlp = otlpLogExporter(config.logsProtocol);
      return [new BatchLogRecordProcessor({ exporter: new AccountedLogExporter(otlp, ledgerFor('logs', config.logsProtocol, ledgers)), ...settings.logs })];
    }
    return name === 'console' ? [new SimpleLogRecordProcessor({ exporter: report.logExporter })] : [];
  });
}

export function metricExportersFor(config: TelemetryEnvConfig, report: ConsoleReport, ledgers: DeliveryLedger[]): PushMetricExporter[] {
  return config.metricExporters.flatMap((name): PushMetricExporter[] => {
    if (name === 'otlp') {
      const protocol = config.metricsProtocol;
      const otlp = protocol === 'grpc' ? new OtlpGuestMetricExporter('grpc') : new OtlpGuestMetricExporter(protocol);
      return [new AccountedMetricExporter(otlp, ledgerFor('metrics', protocol, ledgers))];
    }
    return name === 'console' ? [report.metricExporter] : [];
  });
}

function otlpSpanExporter(protocol: OtlpProtocol): SpanExporter {
  if (protocol === 'grpc') return new OtlpGrpcTraceExporter();
  return protocol === 'http/json' ? new OtlpHttpJsonTraceExporter() : new OtlpProtoTraceExporter();
}

function otlpLogExporter(protocol: OtlpProtocol): LogRecordExporter {
  if (protocol === 'grpc') return new OtlpGrpcLogExporter();
  return protocol === 'http/json' ? new OtlpHttpJsonLogExporter() : new OtlpProtoLogExporter();
}

const SIGNAL_PATHS: Record<TelemetrySignal, [string, string]> = {
  traces: ['TRACES', 'v1/traces'],
  metrics: ['METRICS', 'v1/metrics'],
  logs: ['LOGS', 'v1/logs'],
};

/** A ledger for one OTLP exporter, named after where it sends (otlpDestination). */
function ledgerFor(signal: TelemetrySignal, protocol: OtlpProtocol, ledgers: DeliveryLedger[]): DeliveryLedger {
  const ledger = new DeliveryLedger(signal, otlpDestination(signal, protocol));
  ledgers.push(ledger);
  return ledger;
}

/** The gRPC endpoint of the specification's default (OTLP/gRPC on port 4317, without TLS). */
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://localhost:4317';

/**
 * Where a signal's OTLP exporter sends, for messages: over HTTP the URL the SDK resolves from the
 * environment; over gRPC the endpoint as the SDK's gRPC exporters pick it (the signal's
 * endpoint, else the general one, else http://localhost:4317), without the path they ignore.
 */
export function otlpDestination(signal: TelemetrySignal, protocol: OtlpProtocol): string {
  const [name, path] = SIGNAL_PATHS[signal];
  if (protocol !== 'grpc') return convertLegacyHttpOptions({}, name, path, {}).url;
  const endpoint = getStringFromEnv(`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`) ?? getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_GRPC_ENDPOINT;
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.protocol}//${url.host}`;
  } catch {
    // not a URL (host:port): as given
  }
  return endpoint;
}
