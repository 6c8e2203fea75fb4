import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, propagation, trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';
import { quotedValue } from '../telemetry/env-propagation.js';

/** What the host knows of a request before its body: plain data (it crosses to a serving thread). */
export interface RequestHead {
  method: string;
  /** The request target as sent (`/path?query`). */
  target: string;
  scheme: 'http' | 'https';
  /** The Host header. */
  host: string | undefined;
  userAgent: string | undefined;
  httpVersion: string;
  clientAddress: string | undefined;
  clientPort: number | undefined;
  /** Node's `rawHeaders` (names as sent, repeated fields kept). */
  rawHeaders: string[];
  /** The declared Content-Length, when there is one. */
  contentLength: number | undefined;
}

export function headOf(req: IncomingMessage): RequestHead {
  const declared = Number(req.headers['content-length']);
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    scheme: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    host: req.headers.host,
    userAgent: req.headers['user-agent'],
    httpVersion: req.httpVersion,
    clientAddress: req.socket.remoteAddress,
    clientPort: req.socket.remotePort,
    rawHeaders: req.rawHeaders,
    contentLength: req.headers['content-length'] !== undefined && Number.isSafeInteger(declared) ? declared : undefined,
  };
}

/**
 * The request's parent context (traceparent, tracestate, baggage) through `propagator` (default:
 * the global one); a traceparent that is not W3C's is counted (`invalid_traceparent`) and the
 * request starts a new trace.
 */
export function parentOf(req: IncomingMessage, problems: ProblemCounter, propagator?: TextMapPropagator): Context {
  const extracted = (propagator ?? propagation).extract(ROOT_CONTEXT, req.headers, headerGetter);
  const traceparent = req.headers.traceparent;
  if (traceparent !== undefined && trace.getSpanContext(TRACE_CONTEXT.extract(ROOT_CONTEXT, { traceparent }, headerGetter)) === undefined) {
    const text = Array.isArray(traceparent) ? traceparent.join(',') : traceparent;
    problems.report('invalid_traceparent', `${req.method} ${req.url}: traceparent ${quotedValue(text)} is not a W3C traceparent; ignored, the request starts a new trace`);
  }
  return extracted;
}

/** Only to tell a bad traceparent (whichever propagators are configured). */
const TRACE_CONTEXT = new W3CTraceContextPropagator();

const headerGetter = {
  keys: (carrier: IncomingMessage['headers']) => Object.keys(carrier),
  get: (carrier: IncomingMessage['headers'], key: string) => carrier[key.toLowerCase()],
};
