import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TextMapPropagator } from '@opentelemetry/api';
import type { ProblemCounter } from '../engine/index.js';
import { oneLine } from '../host/errors.js';
import type { GuestInstance } from '../host/guest-instance.js';
import { WholeBody } from './body-source.js';
import { InstancePool } from './instance-pool.js';
import { BodyRefused, readRequestBody } from './request-body.js';
import { headOf, parentOf } from './request-head.js';
import { RequestWatchdog } from './request-watchdog.js';
import { serveOnInstance } from './serve-request.js';

export { INCOMING_HANDLER } from './serve-request.js';

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
    const parent = parentOf(req, parts.problems, parts.propagator);
    let instance: GuestInstance;
    try {
      instance = await pool.acquire();
    } catch (error) {
      parts.problems.report('http_handler_failed', `${parts.name} cannot be instantiated for ${req.method} ${req.url}: ${oneLine(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('the component could not be instantiated\n');
      return;
    }
    watchdog.arm(limits.requestTimeoutMillis);
    let reusable = false;
    try {
      reusable = serveOnInstance(
        instance,
        { head: headOf(req), body: new WholeBody(body), bodySize: body.byteLength, parent, target: res },
        { name: parts.name, problems: parts.problems, interrupt: watchdog.flag, timeoutMillis: limits.requestTimeoutMillis },
      );
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
