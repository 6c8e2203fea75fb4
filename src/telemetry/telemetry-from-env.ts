import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { TracerProvider } from '@opentelemetry/api';
import type { ProblemCounter } from '../engine/index.js';
import type { TextSink } from './console-tree-exporter.js';
import { readTelemetryEnv } from './env-config.js';
import { resourceFromEnv } from './resource.js';
import { spanProcessorsFor } from './trace-exporters.js';

/** Providers built from the environment, and how to flush them before the process exits. */
export interface EnvTelemetry {
  /** Undefined when OTEL_SDK_DISABLED=true: nothing is recorded or exported. */
  tracerProvider: TracerProvider | undefined;
  /** Flushes and stops every exporter (prints the console tree). Never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Builds the tracer provider the CLI uses, from the standard OTEL_* variables (sampler, limits,
 * resource, exporters, protocol, endpoints, batch settings).
 */
export function telemetryFromEnv(problems: ProblemCounter, consoleSink: TextSink = process.stderr): EnvTelemetry {
  const config = readTelemetryEnv(problems);
  if (config.disabled) return { tracerProvider: undefined, shutdown: async () => {} };
  const provider = new BasicTracerProvider({
    resource: resourceFromEnv(),
    spanProcessors: spanProcessorsFor(config, consoleSink),
  });
  return {
    tracerProvider: provider,
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (error) {
        problems.report('host_error', `flushing telemetry failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
