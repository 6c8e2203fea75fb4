import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPLogExporter as OtlpGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetrySignal } from './delivery-ledger.js';
import type { OtlpProtocol } from './env-config.js';
import { OtlpGuestMetricExporter } from './otlp-metric-exporter.js';

/*
 * The OTLP exporters (the SDK's, over http/protobuf, http/json or gRPC; ours for guest metrics),
 * apart from signal-exporters.ts so that their code (gRPC, protobuf) loads only when a signal
 * goes to OTLP. They read their endpoint, headers, timeout, compression and certificate
 * variables themselves.
 */

/** What signal-exporters.ts builds OTLP exporters with. */
export interface OtlpExporters {
  spanExporter(protocol: OtlpProtocol): SpanExporter;
  logExporter(protocol: OtlpProtocol): LogRecordExporter;
  metricExporter(protocol: OtlpProtocol): PushMetricExporter;
  destination(signal: TelemetrySignal, protocol: OtlpProtocol): string;
}

export const otlpExporters: OtlpExporters = {
  spanExporter: otlpSpanExporter,
  logExporter: otlpLogExporter,
  metricExporter: (protocol) => (protocol === 'grpc' ? new OtlpGuestMetricExporter('grpc') : new OtlpGuestMetricExporter(protocol)),
  destination: otlpDestination,
};

export function otlpSpanExporter(protocol: OtlpProtocol): SpanExporter {
  if (protocol === 'grpc') return new OtlpGrpcTraceExporter();
  return protocol === 'http/json' ? new OtlpHttpJsonTraceExporter() : new OtlpProtoTraceExporter();
}

export function otlpLogExporter(protocol: OtlpProtocol): LogRecordExporter {
  if (protocol === 'grpc') return new OtlpGrpcLogExporter();
  return protocol === 'http/json' ? new OtlpHttpJsonLogExporter() : new OtlpProtoLogExporter();
}

const SIGNAL_PATHS: Record<TelemetrySignal, [string, string]> = {
  traces: ['TRACES', 'v1/traces'],
  metrics: ['METRICS', 'v1/metrics'],
  logs: ['LOGS', 'v1/logs'],
};

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
