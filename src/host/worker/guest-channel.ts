import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { DiagLogLevel, trace, type TracerProvider } from '@opentelemetry/api';
import { logs, type LoggerProvider } from '@opentelemetry/api-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { ProblemCounter, createHostCaches } from '../../engine/index.js';
import { DEFAULT_EXPORT_SETTINGS } from '../../telemetry/export-settings.js';
import { logPipelineFor } from '../../telemetry/sdk-log-pipeline.js';
import { hostTracingFor } from '../../telemetry/sdk-pipeline.js';
import { ChannelIntake } from '../../telemetry/transfer/channel-intake.js';
import { createControlBlock, type Stream, type StreamLimits } from '../../telemetry/transfer/flow-control.js';
import { encodeResource } from '../../telemetry/transfer/log-transfer.js';
import type { LedgerFeed } from '../../telemetry/transfer/shared-ledgers.js';
import { createJournalBuffer } from '../../telemetry/transfer/shared-span-journal.js';
import type { GuestThreadData } from './protocol.js';

/** Where a guest thread's telemetry goes on this thread, and how it may flow. */
export interface GuestChannelOptions {
  /** Function calls of instrumented core modules shorter than this are not exported (see HostOptions). */
  minSpanMicros?: number;
  /** Where the guest's spans go on this thread (an OTel JS SDK provider). Default: the global one. */
  tracerProvider?: TracerProvider;
  /** Where its log records go (an OTel JS SDK LoggerProvider). Default: the global one. */
  loggerProvider?: LoggerProvider;
  /** Push exporters for guest metrics and the host instruments (statsd). Default: none. */
  metricExporters?: readonly PushMetricExporter[];
  /**
   * The delivery ledgers of this thread's OTLP exporters (see telemetryFromEnv): with them the
   * guest waits while its telemetry is being sent instead of overflowing the batch queues.
   */
  ledgers?: readonly LedgerFeed[];
  /** Items per stream on their way at once (default: OTEL_BSP/BLRP_MAX_QUEUE_SIZE, 2048; 64 metric batches). */
  limits?: Partial<StreamLimits>;
  /** How long the guest waits for room per stream (default: the export timeouts, 30 s). */
  waitMillis?: Partial<Record<Stream, number>>;
  /** Counts the problems (the guest thread's are added when it reports them). */
  problemCounter?: ProblemCounter;
  /** diag level of the guest's thread (default WARN). */
  logLevel?: DiagLogLevel;
  logRecordLimits?: { attributeCountLimit?: number; attributeValueLengthLimit?: number };
  /** How often the host instruments (statsd) are exported (default 60 s). */
  metricExportIntervalMillis?: number;
  /** Where transpiled components are cached; false for no cache. Default: see HostOptions.cacheDir. */
  cacheDir?: string | false;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { spans: DEFAULT_EXPORT_SETTINGS.spans.maxQueueSize, logs: DEFAULT_EXPORT_SETTINGS.logs.maxQueueSize, metrics: 64 };
const DEFAULT_WAIT: Record<Stream, number> = {
  spans: DEFAULT_EXPORT_SETTINGS.spans.exportTimeoutMillis,
  logs: DEFAULT_EXPORT_SETTINGS.logs.exportTimeoutMillis,
  metrics: DEFAULT_EXPORT_SETTINGS.metrics.exportTimeoutMillis,
};

/** This thread's end of one guest thread's telemetry channel, and what the guest thread is started with. */
export interface GuestChannel {
  problems: ProblemCounter;
  /** True when spans are exported (traces on). */
  tracing: boolean;
  control: Int32Array;
  journal: SharedArrayBuffer;
  /** This thread's port; the other one is in `data` (transfer it). */
  port: MessagePort;
  intake: ChannelIntake;
  data: GuestThreadData;
}

export function openGuestChannel(options: GuestChannelOptions, reportTranspile = false): GuestChannel {
  const problems = options.problemCounter ?? new ProblemCounter();
  const tracing = hostTracingFor(options.tracerProvider ?? trace.getTracerProvider());
  const logPipeline = logPipelineFor(options.loggerProvider ?? logs.getLoggerProvider());
  const metricExporters = options.metricExporters ?? [];
  const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
  const control = createControlBlock();
  const journal = createJournalBuffer();
  const { port1, port2 } = new MessageChannel();
  const intake = new ChannelIntake(control, {
    spans: tracing.pipeline,
    logs: logPipeline,
    metricExporters,
    ledgers: options.ledgers ?? [],
    limits,
    problems,
    caches: createHostCaches(),
  });
  const data: GuestThreadData = {
    ...(options.minSpanMicros !== undefined ? { minSpanMicros: options.minSpanMicros } : {}),
    port: port2,
    control: control.buffer as SharedArrayBuffer,
    journal,
    signals: { traces: tracing.pipeline.enabled, logs: logPipeline.enabled, metrics: metricExporters.length > 0 },
    resource: encodeResource(tracing.pipeline.resource),
    limits,
    waitMillis: { ...DEFAULT_WAIT, ...options.waitMillis },
    logLevel: options.logLevel ?? DiagLogLevel.WARN,
    logRecordLimits: options.logRecordLimits ?? {},
    metricExportIntervalMillis: options.metricExportIntervalMillis ?? DEFAULT_EXPORT_SETTINGS.metrics.exportIntervalMillis,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(reportTranspile ? { reportTranspile: true } : {}),
  };
  return { problems, tracing: tracing.pipeline.enabled, control, journal, port: port1, intake, data };
}
