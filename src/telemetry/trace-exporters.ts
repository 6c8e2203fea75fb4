import { OTLPTraceExporter as OtlpHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConsoleTreeExporter, type TextSink } from './console-tree-exporter.js';
import type { TelemetryEnvConfig } from './env-config.js';

/**
 * Span processors for the exporters the environment asks for. OTLP goes through a
 * BatchSpanProcessor (OTEL_BSP_* apply); the console tree keeps spans until shutdown anyway.
 * The OTLP exporters read their endpoint, headers and timeout variables themselves.
 */
export function spanProcessorsFor(config: TelemetryEnvConfig, consoleSink: TextSink): SpanProcessor[] {
  return config.traceExporters.map((name) => {
    switch (name) {
      case 'otlp':
        return new BatchSpanProcessor(
          config.tracesProtocol === 'http/json' ? new OtlpHttpJsonTraceExporter() : new OtlpProtoTraceExporter(),
        );
      case 'console':
        return new SimpleSpanProcessor(new ConsoleTreeExporter(consoleSink));
      case 'none':
        throw new Error('unreachable: "none" yields no processor');
    }
  });
}
