/**
 * A guest thread's host (for a run or a serving thread): its providers send every finished span,
 * log record and metric batch to the telemetry thread through the channel (see ChannelWriter).
 */
import type { MessagePort } from 'node:worker_threads';
import { diag, trace, type TextMapPropagator } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ProblemCounter } from '../../engine/index.js';
import { OneLineDiagLogger, writeAll, writeStderrLine } from '../../telemetry/diag-line.js';
import { routeSdkErrors } from '../../telemetry/sdk-errors.js';
import { tracerProviderBehind } from '../../telemetry/sdk-pipeline.js';
import { ChannelWriter } from '../../telemetry/transfer/channel-writer.js';
import { createHost } from '../create-host.js';
import type { WasmOtelHost } from '../create-host.js';
import type { GuestThreadData, TranspileMessage } from './protocol.js';

export interface WorkerHost {
  host: WasmOtelHost;
  problems: ProblemCounter;
  control: Int32Array;
  /** Sends the host instruments' (statsd) last collection through the channel. */
  flushMetrics(): Promise<void>;
}

// A worker's process.stdout / stderr are forwarded to the main thread asynchronously, and what
// is still queued is lost when the thread is stopped: the guest's output (preview2-shim writes
// wasi:cli/stdout and stderr there) goes straight to the process's file descriptors instead.
function writeOutputDirectly(): void {
  for (const [stream, fd] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), done?: (error?: Error | null) => void): boolean => {
      writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk);
      (typeof encoding === 'function' ? encoding : done)?.(null);
      return true;
    }) as typeof stream.write;
  }
}

/** Each thread registers its own copy of the API's diag global, and the main thread has said so already. */
const REGISTERED = /^@opentelemetry\/api: Registered a global for diag /;

/**
 * `propagator`: how the guest's outgoing HTTP requests carry their trace (none by default);
 * `port`: where the telemetry messages go instead of straight to `data.port` (a batcher).
 */
export function workerHost(data: GuestThreadData, options: { propagator?: TextMapPropagator; port?: Pick<MessagePort, 'postMessage'> } = {}): WorkerHost {
  writeOutputDirectly();
  diag.setLogger(new OneLineDiagLogger(writeStderrLine, (message) => !REGISTERED.test(message)), { logLevel: data.logLevel, suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  routeSdkErrors(problems);

  const control = new Int32Array(data.control);
  const resource = resourceFromAttributes(data.resource.attributes, data.resource.schemaUrl !== undefined ? { schemaUrl: data.resource.schemaUrl } : undefined);
  const writer = new ChannelWriter({ port: options.port ?? data.port, control, journal: data.journal, limits: data.limits, waitMillis: data.waitMillis, logResource: resource });

  const tracerProvider = data.signals.traces ? new BasicTracerProvider({ resource, spanProcessors: [writer.spanProcessor] }) : undefined;
  const loggerProvider = data.signals.logs ? new LoggerProvider({ resource, processors: [writer.logProcessor], logRecordLimits: data.logRecordLimits }) : undefined;
  const meterProvider = data.signals.metrics
    ? new MeterProvider({
        resource,
        readers: [new PeriodicExportingMetricReader({ exporter: writer.metricExporter, exportIntervalMillis: data.metricExportIntervalMillis })],
      })
    : undefined;

  /** Tells the main thread (free while jco keeps this one busy) when a transpile starts and ends. */
  const reportTranspile = (name: string, willCache: boolean): (() => void) => {
    const post = (done: boolean): void => data.port.postMessage({ t: 'transpile', name, willCache, done } satisfies TranspileMessage);
    post(false);
    return () => post(true);
  };

  const host = createHost({
    // Traces off: the API's no-op itself (fixed), not the global proxy a host would follow and warn about.
    tracerProvider: tracerProvider ?? tracerProviderBehind(trace.getTracerProvider()),
    ...(loggerProvider ? { loggerProvider } : {}),
    ...(meterProvider ? { meterProvider } : {}),
    metricExporters: data.signals.metrics ? [writer.metricExporter] : [],
    ...(data.minSpanMicros !== undefined ? { minSpanMicros: data.minSpanMicros } : {}),
    problemCounter: problems,
    ...(options.propagator ? { propagator: options.propagator } : {}),
    interrupt: control,
    openSpanJournal: writer.journal,
    ...(data.cacheDir !== undefined ? { cacheDir: data.cacheDir } : {}),
    ...(data.reportTranspile ? { onTranspile: reportTranspile } : {}),
  });
  return {
    host,
    problems,
    control,
    flushMetrics: async () => {
      await meterProvider?.forceFlush().catch((error: unknown) => problems.hostError('collecting metrics', error));
    },
  };
}
