import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';
import { WasmOtelError, oneLine } from '../host/errors.js';
import type { GuestInstance } from '../host/guest-instance.js';
import { IncomingRequest } from './incoming-request.js';
import { InstancePool } from './instance-pool.js';
import { ResponseOutparam } from './outgoing-response.js';
import { BodyRefused, readRequestBody } from './request-body.js';
import { RequestWatchdog } from './request-watchdog.js';
import { ResponseExchange, type HostAnswer } from './response-exchange.js';
import { requestAttributes, serverSpanName, settleServerSpan } from './server-span.js';

/** The interface an HTTP component exports. */
export const INCOMING_HANDLER = 'wasi:http/incoming-handler';

/** Limits of the HTTP host; defaults in DEFAULT_HTTP_LIMITS. */
export interface HttpLimits {
  /** Longest request body taken (413 above). */
  maxRequestBodyBytes: number;
  /** How long one request may take: receiving it, and the guest's call (504 after). */
  requestTimeoutMillis: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxRequestBodyBytes: 16 * 1024 * 1024,
  requestTimeoutMillis: 30_000,
});

/** What a request handler needs from the host. */
export interface RequestHandlerParts {
  name: string;
  /** A new instance of the component, with the given interrupt flag (timeouts unwind through it). */
  instantiate(interrupt: Int32Array): Promise<GuestInstance>;
  problems: ProblemCounter;
  limits?: Partial<HttpLimits>;
  /** Reuse an instance that answered for the next request (default: a fresh instance per request; see InstancePool). */
  reuseInstances?: boolean;
  /** Called after each request. */
  onResponse?: () => void;
  /** Reads the parent context from request headers. Default: the global propagator (`propagation`). */
  propagator?: TextMapPropagator;
}

/** A Node request listener that serves a `wasi:http` component; see LoadedComponent.requestHandler. */
export interface ComponentRequestHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Makes the first instance now (so a component that cannot start fails here, not per request). */
  warm(): Promise<void>;
  /** Disposes the kept instances and stops the timeout thread. */
  close(): Promise<void>;
}

export function createRequestHandler(parts: RequestHandlerParts): ComponentRequestHandler {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...parts.limits };
  const watchdog = new RequestWatchdog();
  const pool = new InstancePool(() => parts.instantiate(watchdog.flag), parts.reuseInstances === true, (error) =>
    parts.problems.report('http_handler_failed', `${parts.name} cannot be instantiated: ${oneLine(error)}`),
  );
  let inFlight = 0;

  const serveOne = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Uint8Array;
    try {
      body = await readRequestBody(req, limits.maxRequestBodyBytes);
    } catch (error) {
      const refusal = error instanceof BodyRefused ? error : new BodyRefused(400, oneLine(error));
      parts.problems.report('http_request_refused', `${req.method} ${req.url}: ${refusal.message}`);
      if (!res.headersSent && !res.destroyed) res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${refusal.message}\n`);
      return;
    }
    const parent = parentOf(req, parts);
    let instance: GuestInstance;
    try {
      instance = await pool.acquire();
    } catch (error) {
      parts.problems.report('http_handler_failed', `${parts.name} cannot be instantiated for ${req.method} ${req.url}: ${oneLine(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('the component could not be instantiated\n');
      return;
    }
    const method = req.method ?? 'GET';
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const request = IncomingRequest.of({
      method,
      pathWithQuery: req.url ?? '/',
      scheme,
      authority: req.headers.host,
      rawHeaders: req.rawHeaders,
      body,
    });
    const exchange = new ResponseExchange(res);
    const outparam = ResponseOutparam.create((result) => exchange.set(result));
    let reusable = true;
    watchdog.arm(limits.requestTimeoutMillis);
    try {
      instance.callInterface(INCOMING_HANDLER, 'handle', [request, outparam], {
        spanName: serverSpanName(method),
        kind: SpanKind.SERVER,
        parentContext: parent,
        attributes: requestAttributes({
          method,
          target: req.url ?? '/',
          scheme,
          host: req.headers.host,
          userAgent: req.headers['user-agent'],
          httpVersion: req.httpVersion,
          clientAddress: req.socket.remoteAddress,
          clientPort: req.socket.remotePort,
          bodySize: body.byteLength,
        }),
        closeLeftOpen: 'span still open when the request ended',
        settle: (span, failure) => {
          const answer = failure ? hostAnswer(failure, watchdog.flag, limits.requestTimeoutMillis) : undefined;
          const { facts, failure: why } = exchange.conclude(answer);
          if (why !== undefined) parts.problems.report('http_handler_failed', `${parts.name}: ${method} ${req.url}: ${why}`);
          settleServerSpan(span, facts);
        },
      });
    } catch {
      // Reported and answered in settle; an instance that trapped or was unwound is not reused.
      reusable = false;
    } finally {
      watchdog.disarm();
      pool.release(instance, reusable);
    }
  };

  const handler = (async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight += 1;
    try {
      await serveOne(req, res);
    } catch (error) {
      parts.problems.report('host_error', `serving ${req.method} ${req.url}: ${oneLine(error)}`);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      else res.destroy();
    } finally {
      inFlight -= 1;
      parts.onResponse?.();
    }
  }) as ComponentRequestHandler;
  Object.defineProperty(handler, 'inFlight', { get: () => inFlight });
  handler.warm = () => pool.warm();
  handler.close = async () => {
    await pool.dispose();
    await watchdog.close();
  };
  return handler;
}

/** The host's reply for a call that failed. */
function hostAnswer(failure: WasmOtelError, flag: Int32Array, timeoutMillis: number): HostAnswer {
  if (failure.code === 'interrupted' && Atomics.load(flag, 0) !== 0 && /SIGALRM/.test(failure.message)) {
    return { status: 504, errorType: 'timeout', message: `the guest did not answer within ${timeoutMillis} ms` };
  }
  return { status: 500, errorType: failure.code, message: failure.message, publicText: failure.code === 'guest_exit' ? 'the guest exited' : 'the guest failed' };
}

/** The request's parent context (traceparent, tracestate, baggage); a bad traceparent is counted. */
function parentOf(req: IncomingMessage, parts: RequestHandlerParts) {
  const extracted = parts.propagator ? parts.propagator.extract(ROOT_CONTEXT, req.headers, headerGetter) : propagation.extract(ROOT_CONTEXT, req.headers, headerGetter);
  const traceparent = req.headers.traceparent;
  if (traceparent !== undefined && trace.getSpanContext(TRACE_CONTEXT.extract(ROOT_CONTEXT, { traceparent }, headerGetter)) === undefined) {
    const text = Array.isArray(traceparent) ? traceparent.join(',') : traceparent;
    const quoted = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
    parts.problems.report('invalid_traceparent', `${req.method} ${req.url}: traceparent ${quoted} is not a W3C traceparent; ignored, the request starts a new trace`);
  }
  return extracted;
}

/** Only to tell a bad traceparent (whichever propagators are configured). */
const TRACE_CONTEXT = new W3CTraceContextPropagator();

const headerGetter = {
  keys: (carrier: IncomingMessage['headers']) => Object.keys(carrier),
  get: (carrier: IncomingMessage['headers'], key: string) => carrier[key.toLowerCase()],
};
