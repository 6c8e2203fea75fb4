/**
 * What the serving threads' two ports carry (see serving-thread.ts). Requests and their bodies go
 * to the thread on its own port; the answer goes back on the telemetry channel's port, after the
 * spans the guest finished before it, so a span is never behind its response.
 */
import type { MessagePort } from 'node:worker_threads';
import type { WasmOtelErrorCode } from '../../host/errors.js';
import type { GuestThreadData } from '../../host/worker/protocol.js';
import type { ChannelMessage } from '../../telemetry/transfer/channel-writer.js';
import type { TransferParent } from '../../telemetry/transfer/context-transfer.js';
import type { HttpLimits } from '../request-handler.js';
import type { RequestHead } from '../request-head.js';

/** What a serving thread is started with. */
export interface ServingThreadData extends GuestThreadData {
  /** Requests and their bodies arrive here. */
  requests: MessagePort;
  /**
   * Shared Int32Array: [0] counts the messages posted to `requests` and the answer bytes written
   * (a waiting read or write wakes on it), [1] the id of a request whose client went away, [2] the
   * answer bytes of the request in flight the connection has taken (modulo 2^32).
   */
  signal: SharedArrayBuffer;
  serve: {
    file: string;
    preopens: Record<string, string>;
    env: Record<string, string>;
    /** An `--imports` module (absolute path). */
    importsModule?: string;
    traceImports?: boolean;
    reuseInstances?: boolean;
    limits: HttpLimits;
    /** Propagators for the guest's outgoing requests (`tracecontext`, `baggage`). */
    propagators: string[];
  };
}

export type ToThread =
  /** `bodyDone`: the body is empty and over already (no body messages follow). */
  | { t: 'request'; id: number; head: RequestHead; parent?: TransferParent; bodyDone?: boolean }
  | { t: 'body'; id: number; chunk: Uint8Array }
  | { t: 'body-end'; id: number }
  | { t: 'body-failed'; id: number; message: string }
  | { t: 'close' };

export type FromThread =
  | { t: 'ready' }
  | { t: 'warm-failed'; code: WasmOtelErrorCode; message: string }
  | { t: 'head'; id: number; status: number; headers: string[] | Record<string, string | number> }
  | { t: 'chunk'; id: number; chunk: Uint8Array }
  | { t: 'end'; id: number; text?: string }
  | { t: 'destroy'; id: number }
  /** Body bytes the guest has taken (the sender may send more). */
  | { t: 'body-read'; id: number; bytes: number }
  /** The request is over; the thread's problem counts so far. */
  | { t: 'served'; id: number; problems: Record<string, number>; suppressed: Record<string, number> }
  | { t: 'closed'; problems: Record<string, number>; suppressed: Record<string, number> }
  /** Several messages at once (an answer's head with its first chunk; its last spans with `served`). */
  | { t: 'batch'; messages: (FromThread | ChannelMessage)[] };

export type ServingMessage = FromThread | ChannelMessage;

const SERVING_TYPES = new Set<string>(['ready', 'warm-failed', 'head', 'chunk', 'end', 'destroy', 'body-read', 'served', 'closed', 'batch']);

export function isFromThread(message: ServingMessage): message is FromThread {
  return SERVING_TYPES.has(message.t);
}

/** Slots of the shared signal array. */
export const SIGNAL_SEQUENCE = 0;
export const SIGNAL_GONE = 1;
export const SIGNAL_WRITTEN = 2;
export const SIGNAL_SLOTS = 3;

/**
 * `bytes` copied into a buffer of its own, and that buffer: posted with it in the transfer list,
 * the copy moves instead of the whole backing store being cloned (a Buffer's pool, guest memory).
 */
export function detachedCopy(bytes: Uint8Array): [Uint8Array, ArrayBuffer] {
  const copy = bytes.slice();
  return [copy, copy.buffer];
}
