import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ProblemCounter } from '../../engine/index.js';
import { oneLine } from '../../host/errors.js';
import { DEFAULT_STREAM_LIMITS, type GuestChannelOptions } from '../../host/worker/guest-channel.js';
import { propagatorOf } from '../../telemetry/env-propagation.js';
import { encodeParent } from '../../telemetry/transfer/context-transfer.js';
import { DEFAULT_HTTP_LIMITS, type ComponentRequestHandler, type HttpLimits } from '../request-handler.js';
import { headOf, parentOf } from '../request-head.js';
import { SharedLedgers } from '../../telemetry/transfer/shared-ledgers.js';
import { ServingThread, type ServingThreadOptions } from './serving-thread.js';

/** Options of serving a component on threads; see serveFile. */
export interface ThreadedServeOptions extends Omit<GuestChannelOptions, 'limits'> {
  /** The component (a path). */
  file: string;
  /** Guest threads serving requests at once (default: the machine's parallelism, at most 4). */
  threads?: number;
  preopens?: Record<string, string>;
  env?: Record<string, string>;
  /** An ES module whose default export maps interface names to implementations (see `--imports`). */
  importsModule?: string;
  /** A span for every host call the guest makes (see InstantiateOptions.traceImports). */
  traceImports?: boolean;
  /** Reuse an instance that answered for the next request (see InstancePool). Default false. */
  reuseInstances?: boolean;
  limits?: Partial<HttpLimits>;
  /** Telemetry items per stream on their way at once, per thread (see GuestChannelOptions.limits). */
  queueLimits?: GuestChannelOptions['limits'];
  /**
   * The propagators a request's context is read with and the guest's outgoing requests carry it
   * with (`tracecontext`, `baggage`). Default: both, as OTEL_PROPAGATORS's default.
   */
  propagators?: readonly string[];
  /** Called after each request is answered (e.g. to flush telemetry soon). */
  onResponse?: () => void;
  /** After a timeout, how long a guest has to reach a host call before its thread is stopped (default 1000 ms). */
  stopGraceMillis?: number;
}

const DEFAULT_GRACE_MILLIS = 1000;
const MAX_DEFAULT_THREADS = 4;
/** A thread that could not start is tried again after this long, doubling up to the maximum. */
const RESPAWN_MILLIS = 500;
const MAX_RESPAWN_MILLIS = 30_000;

/** Waiting for a thread. */
interface Waiting {
  start(thread: ServingThread): void;
  /** No thread will take it (the handler closed, none can start, the client left). */
  cancel(error: Error): void;
}

/**
 * A Node request listener that serves a `wasi:http` component on guest threads: each thread
 * serves one request at a time with its own instances, requests beyond the threads wait for
 * one; a thread stopped (a guest that did not answer in time and made no host call) is replaced.
 * The telemetry of every thread is exported on this one.
 */
export function createThreadedRequestHandler(options: ThreadedServeOptions): ComponentRequestHandler {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const problems = options.problemCounter ?? new ProblemCounter();
  const name = basename(options.file);
  const count = Math.max(1, Math.floor(options.threads ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS)));
  const propagators = [...(options.propagators ?? ['tracecontext', 'baggage'])];
  const propagator = propagatorOf(propagators);
  const ledgers = new SharedLedgers(options.ledgers ?? []);
  const threadOptions: ServingThreadOptions = {
    channel: { ...channelOptionsOf(options, count), problemCounter: problems },
    ledgers,
    serve: {
      file: options.file,
      preopens: options.preopens ?? {},
      env: options.env ?? {},
      ...(options.importsModule !== undefined ? { importsModule: options.importsModule } : {}),
      ...(options.traceImports ? { traceImports: true } : {}),
      ...(options.reuseInstances ? { reuseInstances: true } : {}),
      limits,
      propagators,
    },
    name,
    stopGraceMillis: options.stopGraceMillis ?? DEFAULT_GRACE_MILLIS,
  };

  /** Threads running or starting. */
  const threads: ServingThread[] = [];
  const idle: ServingThread[] = [];
  const waiting: Waiting[] = [];
  const everReady = new WeakSet<ServingThread>();
  let inFlight = 0;
  let closing = false;
  let respawnMillis = RESPAWN_MILLIS;
  let respawnTimer: NodeJS.Timeout | undefined;

  /** A new thread; once ready it takes a waiting request or waits for one. */
  const spawn = (report = true): ServingThread => {
    const thread = new ServingThread(threadOptions, (stopped) => {
      threads.splice(threads.indexOf(stopped), 1);
      const at = idle.indexOf(stopped);
      if (at >= 0) idle.splice(at, 1);
      // A thread that served (stopped after a timeout, or failed) is replaced at once.
      if (!closing && everReady.has(stopped)) spawn();
    });
    threads.push(thread);
    thread.ready.then(
      () => {
        everReady.add(thread);
        respawnMillis = RESPAWN_MILLIS;
        available(thread);
      },
      (error: unknown) => {
        if (closing || !report) return;
        problems.report('http_handler_failed', `${name}: a serving thread could not start (tried again in ${respawnMillis} ms): ${oneLine(error)}`);
        // Nobody left to serve: the requests waiting are answered now rather than never.
        if (threads.length === 0) for (const request of waiting.splice(0)) request.cancel(new NoThread());
        respawnTimer = setTimeout(() => {
          respawnTimer = undefined;
          if (!closing) spawn();
        }, respawnMillis);
        respawnMillis = Math.min(respawnMillis * 2, MAX_RESPAWN_MILLIS);
      },
    );
    return thread;
  };

  const available = (thread: ServingThread): void => {
    if (thread.stopped || closing) return;
    const next = waiting.shift();
    if (next) next.start(thread);
    else idle.push(thread);
  };

  const serveOn = async (thread: ServingThread, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parent = encodeParent(parentOf(req, problems, propagator));
    try {
      await thread.serve(req, res, headOf(req), parent, limits.requestTimeoutMillis, limits.maxRequestBodyBytes);
    } finally {
      available(thread);
    }
  };

  /** The first thread free (in arrival order); rejects when none will be. */
  const aThread = (res: ServerResponse): Promise<ServingThread> => {
    const thread = idle.pop();
    if (thread) return Promise.resolve(thread);
    if (closing || threads.length === 0) return Promise.reject(new NoThread());
    return new Promise<ServingThread>((resolve, reject) => {
      const entry: Waiting = { start: resolve, cancel: reject };
      waiting.push(entry);
      // A client that leaves while waiting is not served later.
      res.once('close', () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) {
          waiting.splice(at, 1);
          reject(new ClientGone());
        }
      });
    });
  };

  const handler = (async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight += 1;
    try {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxRequestBodyBytes) {
        const message = `request body of ${declared} bytes is over the limit of ${limits.maxRequestBodyBytes} bytes`;
        problems.report('http_request_refused', `${req.method} ${req.url}: ${message}`);
        return answer(res, 413, message);
      }
      let thread: ServingThread;
      try {
        thread = await aThread(res);
      } catch (error) {
        if (error instanceof NoThread) answer(res, 503, closing ? 'the server is stopping' : 'no serving thread is running');
        return;
      }
      await serveOn(thread, req, res);
    } catch (error) {
      problems.report('host_error', `serving ${req.method} ${req.url}: ${oneLine(error)}`);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      else res.destroy();
    } finally {
      inFlight -= 1;
      options.onResponse?.();
    }
  }) as ComponentRequestHandler;
  Object.defineProperty(handler, 'inFlight', { get: () => inFlight });
  handler.warm = async () => {
    // The first thread loads (and transpiles into the cache) alone; the others then load from the cache.
    const first = spawn(false); // its failure is warm()'s
    await first.ready;
    for (let i = 1; i < count; i++) spawn();
  };
  handler.close = async () => {
    closing = true;
    clearTimeout(respawnTimer);
    idle.splice(0);
    for (const request of waiting.splice(0)) request.cancel(new NoThread());
    await Promise.all(threads.map((thread) => thread.close()));
    ledgers.close();
  };
  return handler;
}

/** No thread can take the request (the handler is closing, or none is running). */
class NoThread extends Error {}

/** The client left before a thread was free. */
class ClientGone extends Error {}

/** A short plain-text answer from the host, with the connection closed after it. */
function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = `${message}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
}

/** The telemetry channel's options within the serve options. */
function channelOptionsOf(options: ThreadedServeOptions, threads: number): GuestChannelOptions {
  const { limits: _http, queueLimits, ledgers: _ledgers, ...rest } = options;
  // The threads share the exporters' queues: each may have its part of them on its way at once.
  const whole = { ...DEFAULT_STREAM_LIMITS, ...queueLimits };
  const part = (n: number): number => Math.max(1, Math.floor(n / threads));
  return { ...rest, limits: { spans: part(whole.spans), logs: part(whole.logs), metrics: part(whole.metrics) } };
}
