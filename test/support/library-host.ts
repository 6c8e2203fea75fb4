import type { TextMapPropagator } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OtlpGuestMetricExporter, createHost, type EngineLimits, type WasmOtelHost } from '../../src/index.js';
import type { OtlpReceiver } from './otlp-receiver.js';

export const TEST_SERVICE = 'wasm-otel-test';

/**
 * A host whose spans, log records and metrics go over real OTLP/HTTP protobuf to the test receiver
 * (spans and metrics as OTLP/JSON with `json`; all three over OTLP/gRPC with `grpc`, to a receiver
 * of otlp-grpc-receiver.ts).
 */
export function hostFor(
  receiver: OtlpReceiver,
  options: { propagator?: TextMapPropagator; sampler?: Sampler; limits?: Partial<EngineLimits>; metricExporters?: PushMetricExporter[]; json?: boolean; grpc?: boolean; minSpanMicros?: number; batchSpans?: boolean } = {},
): { host: WasmOtelHost; flush: () => Promise<void> } {
  const grpc = { url: receiver.endpoint };
  const traceExporter = options.grpc
    ? new OTLPGrpcTraceExporter(grpc)
    : options.json
      ? new OTLPJsonTraceExporter({ url: `${receiver.endpoint}/v1/traces` })
      : new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` });
  // Simple: one request per span (at most 30 in flight); batch: for many spans at once.
  const processor = options.batchSpans
    ? new BatchSpanProcessor(traceExporter, { maxQueueSize: 100_000, maxExportBatchSize: 1_000, scheduledDelayMillis: 10 })
    : new SimpleSpanProcessor(traceExporter);
  const logs = new SimpleLogRecordProcessor({ exporter: options.grpc ? new OTLPGrpcLogExporter(grpc) : new OTLPLogExporter({ url: `${receiver.endpoint}/v1/logs` }) });
  const metricExporter = (): OtlpGuestMetricExporter =>
    options.grpc ? new OtlpGuestMetricExporter('grpc', grpc) : new OtlpGuestMetricExporter(options.json ? 'http/json' : 'http/protobuf', { url: `${receiver.endpoint}/v1/metrics` });
  const metrics = options.metricExporters ?? [metricExporter()];
  // Host-side instruments (core modules' statsd metrics): read on flush, exported to the receiver.
  const reader = new PeriodicExportingMetricReader({
    exporter: options.grpc ? metricExporter() : new OtlpGuestMetricExporter('http/protobuf', { url: `${receiver.endpoint}/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': TEST_SERVICE }), readers: [reader] });
  const host = createHost({
    spanProcessors: [processor],
    meterProvider,
    ...(options.minSpanMicros !== undefined ? { minSpanMicros: options.minSpanMicros } : {}),
    logRecordProcessors: [logs],
    metricExporters: metrics,
    resource: resourceFromAttributes({ 'service.name': TEST_SERVICE }),
    ...(options.sampler ? { sampler: options.sampler } : {}),
    ...(options.propagator ? { propagator: options.propagator } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return {
    host,
    flush: async () => {
      await Promise.all([processor.forceFlush(), logs.forceFlush(), meterProvider.forceFlush(), ...metrics.map((m) => m.forceFlush())]);
    },
  };
}
