import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createHost, type EngineLimits, type WasmOtelHost } from '../../src/index.js';
import type { OtlpReceiver } from './otlp-receiver.js';

export const TEST_SERVICE = 'wasm-otel-test';

/** A host whose spans go over real OTLP/HTTP protobuf to the test receiver. */
export function hostFor(
  receiver: OtlpReceiver,
  options: { sampler?: Sampler; limits?: Partial<EngineLimits> } = {},
): { host: WasmOtelHost; flush: () => Promise<void> } {
  const processor = new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }));
  const host = createHost({
    spanProcessors: [processor],
    resource: resourceFromAttributes({ 'service.name': TEST_SERVICE }),
    ...(options.sampler ? { sampler: options.sampler } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { host, flush: () => processor.forceFlush() };
}
