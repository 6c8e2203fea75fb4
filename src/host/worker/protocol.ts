import type { MessagePort } from 'node:worker_threads';
import type { DiagLogLevel } from '@opentelemetry/api';
import type { ChannelMessage } from '../../telemetry/transfer/channel-writer.js';
import type { TransferParent } from '../../telemetry/transfer/context-transfer.js';
import type { Stream, StreamLimits } from '../../telemetry/transfer/flow-control.js';
import type { TransferResource } from '../../telemetry/transfer/log-transfer.js';
import type { RunFileOptions, RunOutcome } from '../run-file.js';

/** What every guest thread (a run's, a serving thread) is started with: its host and channel. */
export interface GuestThreadData {
  minSpanMicros?: number;
  /** The channel: telemetry and, last, the outcome. */
  port: MessagePort;
  /** The control block (Int32Array over it: credit, failing flags, interrupt). */
  control: SharedArrayBuffer;
  /** The open-span journal. */
  journal: SharedArrayBuffer;
  /** Which signals the telemetry thread exports (the others are not recorded at all). */
  signals: { traces: boolean; logs: boolean; metrics: boolean };
  /** The resource of the telemetry thread's providers. */
  resource: TransferResource;
  limits: StreamLimits;
  waitMillis: Record<Stream, number>;
  logLevel: DiagLogLevel;
  logRecordLimits: { attributeCountLimit?: number; attributeValueLengthLimit?: number };
  metricExportIntervalMillis: number;
  /** Where transpiled components are cached (false: no cache); undefined: the default. */
  cacheDir?: string | false;
  /** Post a TranspileMessage when a component starts and stops transpiling (for the progress line). */
  reportTranspile?: boolean;
}

/** What a run's worker thread is started with. */
export interface WorkerRunData extends GuestThreadData {
  /** What to run (its parentContext travels as `parent`: a Context cannot be cloned). */
  run: Omit<RunFileOptions, 'parentContext'>;
  /** The context the run joins (the host span's parent and the baggage of the call). */
  parent?: TransferParent;
  /**
   * The process environment for a thread started early (EarlyWorker), which got a copy of it
   * before the configuration check took bad values out: its process.env is made this first.
   */
  processEnv?: Record<string, string>;
}

/** A component not in the cache is being transpiled (`done` false), or is done. */
export interface TranspileMessage {
  t: 'transpile';
  name: string;
  willCache: boolean;
  done: boolean;
}

/** The worker's last message: how the run ended, and its problem counts. */
export interface DoneMessage {
  t: 'done';
  outcome: RunOutcome;
  problems: Record<string, number>;
  suppressed: Record<string, number>;
}

export type WorkerMessage = ChannelMessage | DoneMessage | TranspileMessage;
