import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OtlpGuestMetricExporter, createHost, type EngineLimits, type WasmOtelHost } from '../../src/index.js';
import type { OtlpReceiver } from './otlp-receiver.js';

export const TEST_SERVICE = 'wasm-otel-test';

/** A host whose spans, log records and metrics go over real OTLP/HTTP protobuf to the test receiver. */
export function hostFor(
  receiver: OtlpReceiver,
  options: { sampler?: Sampler; limits?: Partial<EngineLimits>; metricExporters?: PushMetricExporter[]; json?: boolean } = {},
): { host: WasmOtelHost; flush: () => Promise<void> } {
  const processor = new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }));
  const logs = new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.endpoint}/v1/logs` }) });
  const metrics = options.metricExporters ?? [new OtlpGuestMetricExporter(options.json ? 'http/json' : 'http/protobuf', { url: `${receiver.endpoint}/v1/metrics` })];
  const host = createHost({
    spanProcessors: [processor],
    logRecordProcessors: [logs],
    metricExporters: metrics,
    resource: resourceFromAttributes({ 'service.name': TEST_SERVICE }),
    ...(options.sampler ? { sampler: options.sampler } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return {
    host,
    flush: async () => {
      await Promise.all([processor.forceFlush(), logs.forceFlush(), ...metrics.map((m) => m.forceFlush())]);
    },
  };
}
