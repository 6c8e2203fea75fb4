import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type AttributeValue, type TextMapPropagator } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import type { InstanceSpanState, ProblemCounter } from '../engine/index.js';
import type { ErrorCode } from './error-code.js';
import { errorCodeText } from './error-code.js';
import { fetchBlocking, type FetchAnswer } from './fetch-order.js';
import { Fields } from './fields.js';
import { methodName } from './incoming-request.js';
import { OutgoingBody } from './outgoing-body.js';
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions } from './outgoing-request.js';
import { hostAndPort, serverSpanName } from './server-span.js';

/** Limits of a guest's outgoing requests. */
export interface OutgoingLimits {
  /** How long one request may take when the guest sets no timeout. */
  timeoutMillis: number;
  /** Longest response body taken. */
  maxResponseBodyBytes: number;
}

export const DEFAULT_OUTGOING_LIMITS: Readonly<OutgoingLimits> = Object.freeze({ timeoutMillis: 30_000, maxResponseBodyBytes: 64 * 1024 * 1024 });

export interface OutgoingHandlerParts {
  state: InstanceSpanState;
  problems: ProblemCounter;
  /** Writes the client span's context into the request. Default: the global propagator. */
  propagator?: TextMapPropagator;
  limits?: Partial<OutgoingLimits>;
}

const setter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

/**
 * `wasi:http/outgoing-handler` for one instance: each request gets a client span, a child of the
 * guest's innermost open span (any front-end), and carries that span's trace context
 * (`traceparent`, `tracestate`, through the propagators), so the service it calls joins the trace.
 */
export function createOutgoingHandler(parts: OutgoingHandlerParts): { handle(request: OutgoingRequest, options?: RequestOptions): FutureIncomingResponse } {
  const limits = { ...DEFAULT_OUTGOING_LIMITS, ...parts.limits };
  return {
    handle(request: OutgoingRequest, options?: RequestOptions): FutureIncomingResponse {
      const method = methodName(request.method());
      const scheme = request.scheme()?.tag === 'HTTP' ? 'http' : request.scheme()?.tag === 'other' ? 'other' : 'https';
      const authority = request.authority();
      const path = request.pathWithQuery() ?? '/';
      const refuse = (code: ErrorCode, why: string): never => {
        parts.problems.report('http_outgoing_failed', `outgoing ${method} ${authority ?? '(no authority)'}${path}: ${why}`);
        throw code;
      };
      if (scheme === 'other') refuse({ tag: 'HTTP-protocol-error' }, 'only http and https are supported');
      const [host, port] = hostAndPort(authority, scheme as 'http' | 'https');
      if (host === undefined || host === '') refuse({ tag: 'HTTP-request-URI-invalid' }, 'the request has no authority (host)');
      const { body, taken } = OutgoingRequest.bodyOf(request);
      const bytes: Uint8Array[] = [];
      if (taken) OutgoingBody.attach(body, { write: (chunk) => (bytes.push(chunk), true), end: () => {} });
      const url = `${scheme}://${authority}${path}`;
      const perform = () => {
        const started = parts.state.startManagedSpan({
          name: serverSpanName(method),
          kind: SpanKind.CLIENT,
          attributes: [
            [ATTR_HTTP_REQUEST_METHOD, method],
            [ATTR_SERVER_ADDRESS, host!],
            [ATTR_SERVER_PORT, port!],
            [ATTR_URL_FULL, url],
          ],
        });
        const carrier: Record<string, string> = {};
        const context = trace.setSpanContext(ROOT_CONTEXT, started);
        if (parts.propagator) parts.propagator.inject(context, carrier, setter);
        else propagation.inject(context, carrier, setter);
        const headers = request.headers().clone();
        for (const [key, value] of Object.entries(carrier)) Fields.put(headers, key, value);
        const answer: FetchAnswer = fetchBlocking({
          method,
          scheme: scheme as 'http' | 'https',
          host: host!,
          authority: authority!,
          port,
          pathWithQuery: path,
          headers: Fields.textPairs(headers),
          body: bytes.length === 1 ? bytes[0]! : new Uint8Array(Buffer.concat(bytes)),
          timeoutMillis: RequestOptions.millisOf(options) ?? limits.timeoutMillis,
          maxBodyBytes: limits.maxResponseBodyBytes,
        });
        const result: [string, AttributeValue][] = [];
        if ('error' in answer) {
          parts.problems.report('http_outgoing_failed', `outgoing ${method} ${url}: ${answer.message}`);
          result.push([ATTR_ERROR_TYPE, answer.error.tag]);
          parts.state.setAttributes(started.spanId, result);
          parts.state.setStatus(started.spanId, { code: SpanStatusCode.ERROR, message: `${errorCodeText(answer.error)}: ${answer.message}`.slice(0, 200) });
          parts.state.endManagedSpan(started.spanId);
          return { tag: 'err' as const, val: answer.error };
        }
        result.push([ATTR_HTTP_RESPONSE_STATUS_CODE, answer.status]);
        // A client span is an error for any status of 400 and up (the HTTP conventions).
        if (answer.status >= 400) result.push([ATTR_ERROR_TYPE, String(answer.status)]);
        parts.state.setAttributes(started.spanId, result);
        if (answer.status >= 400) parts.state.setStatus(started.spanId, { code: SpanStatusCode.ERROR });
        parts.state.endManagedSpan(started.spanId);
        return { tag: 'ok' as const, val: IncomingResponse.of(answer.status, answer.rawHeaders, answer.body) };
      };
      // Made now when the body is complete (the client span then never stays open across guest
      // code); else when the guest first asks for the answer.
      return FutureIncomingResponse.of(perform, !taken || OutgoingBody.finished(body));
    },
  };
}
