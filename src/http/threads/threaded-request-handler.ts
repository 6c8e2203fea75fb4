import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ProblemCounter } from '../../engine/index.js';
import { oneLine } from '../../host/errors.js';
import type { GuestChannelOptions } from '../../host/worker/guest-channel.js';
import { propagatorOf } from '../../telemetry/env-propagation.js';
import { encodeParent } from '../../telemetry/transfer/context-transfer.js';
import { DEFAULT_HTTP_LIMITS, type ComponentRequestHandler, type HttpLimits } from '../request-handler.js';
import { headOf, parentOf } from '../request-head.js';
import { ServingThread } from './serving-thread.js';

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

/** Waiting for a thread. */
interface Waiting {
  start(thread: ServingThread): void;
  /** The handler closed before a thread was free. */
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
  const threadOptions = {
    channel: { ...channelOptionsOf(options), problemCounter: problems },
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

  const threads: ServingThread[] = [];
  const idle: ServingThread[] = [];
  const waiting: Waiting[] = [];
  let inFlight = 0;
  let closing = false;

  /** A new thread; once ready it takes a waiting request or waits for one. */
  const spawn = (report = true): ServingThread => {
    const thread = new ServingThread(threadOptions, (stopped) => {
      threads.splice(threads.indexOf(stopped), 1);
      const at = idle.indexOf(stopped);
      if (at >= 0) idle.splice(at, 1);
      // A thread that served (it was stopped after a timeout) is replaced; one that never started is not.
      if (!closing && everReady.has(stopped)) spawn();
    });
    threads.push(thread);
    thread.ready.then(
      () => {
        everReady.add(thread);
        available(thread);
      },
      (error: unknown) => {
        if (!closing && report) problems.report('http_handler_failed', `${name}: a serving thread could not start: ${oneLine(error)}`);
      },
    );
    return thread;
  };
  const everReady = new WeakSet<ServingThread>();

  const available = (thread: ServingThread): void => {
    if (thread.stopped) return;
    const next = waiting.shift();
    if (next) next.start(thread);
    else idle.push(thread);
  };

  const serveOn = async (thread: ServingThread, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parent = encodeParent(parentOf(req, problems, propagator));
    try {
      await thread.serve(req, res, headOf(req), parent, limits.requestTimeoutMillis, limits.maxRequestBodyBytes);
    } finally {
      if (!thread.stopped) available(thread);
    }
  };

  const handler = (async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight += 1;
    try {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxRequestBodyBytes) {
        const message = `request body of ${declared} bytes is over the limit of ${limits.maxRequestBodyBytes} bytes`;
        problems.report('http_request_refused', `${req.method} ${req.url}: ${message}`);
        const text = `${message}\n`;
        res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
        return;
      }
      const thread = idle.pop();
      if (thread) await serveOn(thread, req, res);
      else {
        // Every thread is busy: the request waits for the first one free (in arrival order).
        const next = await new Promise<ServingThread>((resolve, reject) => waiting.push({ start: resolve, cancel: reject }));
        await serveOn(next, req, res);
      }
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
    for (const request of waiting.splice(0)) request.cancel(new Error('the server closed before a serving thread was free'));
    await Promise.all(threads.map((thread) => thread.close()));
  };
  return handler;
}

/** The telemetry channel's options within the serve options. */
function channelOptionsOf(options: ThreadedServeOptions): GuestChannelOptions {
  const { limits: _http, queueLimits, ...rest } = options;
  return { ...rest, ...(queueLimits ? { limits: queueLimits } : {}) };
}
