/**
 * Test-support OTLP/HTTP receiver.
 *
 * Starts a plain `node:http` server that accepts OTLP/HTTP exports
 * (`/v1/traces`, `/v1/metrics`, `/v1/logs`) in both protobuf
 * (`application/x-protobuf`) and OTLP/JSON (`application/json`) encodings, and can
 * misbehave on purpose ({@link ReceiverFault}) or serve HTTPS.
 *
 * Decoding is the conformance runner's (src/conformance/otlp-*.ts): both encodings are decoded
 * with the OFFICIAL OTLP schema into the same protobufjs message objects, then trace requests are
 * flattened into an easy-to-assert span shape ({@link OtlpSpan}); int64 values stay exact
 * bigints, and the fields the 0.57.2 schema predates (Span.flags, Link.flags,
 * LogRecord.event_name) are read from the wire. The names are re-exported here so tests import
 * them from one place.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import { answerError, answerSuccess, decodeHttpRequest, OtlpHttpError, readBody, requestPath } from '../../src/conformance/otlp-http-request.js';
import { assertLongSupport, signalOfPath, type OtlpEncoding, type OtlpSignal } from '../../src/conformance/otlp-schema.js';
import { spansOf, type OtlpSpan } from '../../src/conformance/otlp-spans.js';
import type { DecodedOtlpMessage } from '../../src/conformance/otlp-values.js';
import { listenOnLoopback } from '../../src/conformance/listen-loopback.js';

export { parseJsonExact } from '../../src/conformance/otlp-json.js';
export { decodeProtobufRequest, emptyProtobufResponse, type OtlpEncoding, type OtlpSignal } from '../../src/conformance/otlp-schema.js';
export {
  normalizeTraceRequest,
  OtlpSpanFlags,
  OtlpSpanKind,
  OtlpStatusCode,
  spansOf,
  type OtlpScope,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpSpanLink,
} from '../../src/conformance/otlp-spans.js';
export { decodeAnyValue, decodeAttributes, toBigInt, toHex, type DecodedOtlpMessage, type OtlpAttributes, type OtlpValue } from '../../src/conformance/otlp-values.js';

export interface OtlpRequestRecord {
  signal: OtlpSignal;
  path: string;
  /** Raw `content-type` header ('' if absent). */
  contentType: string;
  encoding: OtlpEncoding;
  /** Raw `content-encoding` header ('' if absent). */
  contentEncoding: string;
  headers: IncomingHttpHeaders;
  /** Request body after content-encoding was removed. */
  body: Uint8Array;
  /** Parsed JSON document (only for OTLP/JSON requests); integer literals beyond ±(2^53-1) are kept exact as decimal strings. */
  json?: unknown;
  decoded: DecodedOtlpMessage;
}

export interface OtlpReceiverError {
  method: string;
  path: string;
  contentType: string;
  status: number;
  message: string;
}

export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234` (use as OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly endpoint: string;
  /** Every successfully decoded export request, in arrival order. */
  readonly requests: readonly OtlpRequestRecord[];
  /** Rejected requests (unknown path → 404, bad method, bad content-type, decode failures). */
  readonly errors: readonly OtlpReceiverError[];
  /** All spans received so far (flattened, normalized), in arrival order. */
  spans(): OtlpSpan[];
  /** Resolves with all spans once at least `count` spans were received. */
  waitForSpans(count: number, timeoutMs?: number): Promise<OtlpSpan[]>;
  /** Forget all requests, errors and spans. */
  reset(): void;
  /** Stop the server (drops keep-alive connections) and reject pending waiters. */
  close(): Promise<void>;
}


interface Waiter {
  count: number;
  resolve: (spans: OtlpSpan[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * How a misbehaving collector answers one request: an HTTP status (with an optional
 * Retry-After), a reset connection, no answer at all, or a delay before the normal answer.
 */
export type ReceiverFault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number };

export interface ReceiverOptions {
  /** Called for every request (`attempt` counts requests to that path from 1); undefined answers normally. */
  fault?: (request: { signal: OtlpSignal | undefined; attempt: number }) => ReceiverFault | undefined;
  /** Serve HTTPS with these options (key, cert, and for client certificates ca and requestCert); the endpoint is https://. */
  tls?: HttpsServerOptions;
}

/** Start a receiver on 127.0.0.1 with an ephemeral port. */
export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  assertLongSupport();
  const attempts = new Map<string, number>();
  const log = new RequestLog();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? '';
    const path = requestPath(req);
    const contentType = req.headers['content-type'] ?? '';
    const contentEncoding = req.headers['content-encoding'] ?? '';
    const attempt = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, attempt);
    const fault = options.fault?.({ signal: signalOfPath(path), attempt });
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      await readBody(req).catch(() => undefined);
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(`injected ${fault.status}`);
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    try {
      const request = await decodeHttpRequest(req);
      let newSpans: OtlpSpan[] = [];
      try {
        newSpans = spansOf(request.signal, request.decoded);
      } catch (err) {
        throw new OtlpHttpError(400, `invalid spans in ${request.encoding} ${path}: ${(err as Error).message}`);
      }
      const record: OtlpRequestRecord = {
        signal: request.signal,
        path,
        contentType,
        encoding: request.encoding,
        contentEncoding,
        headers: req.headers,
        body: new Uint8Array(request.raw),
        decoded: request.decoded,
      };
      if (request.encoding === 'json') record.json = request.json;
      log.add(record, newSpans);
      answerSuccess(res, request.signal, request.encoding);
    } catch (err) {
      const status = err instanceof OtlpHttpError ? err.status : 500;
      const message = (err as Error).message;
      log.errors.push({ method, path, contentType, status, message });
      answerError(res, status, message);
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res);
  };
  const server = options.tls ? createHttpsServer(options.tls, onRequest) : createServer(onRequest);
  const port = await listenOnLoopback(server);
  return log.receiver(`${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, async () => {
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  });
}


/**
 * What a receiver got (decoded requests, rejected ones, spans) and the waiters for spans: the
 * part of {@link OtlpReceiver} every transport shares (OTLP/HTTP here, OTLP/gRPC in
 * otlp-grpc-receiver.ts).
 */
export class RequestLog {
  readonly requests: OtlpRequestRecord[] = [];
  readonly errors: OtlpReceiverError[] = [];
  private readonly spans: OtlpSpan[] = [];
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Books a decoded request and its spans, and wakes the waiters it satisfies. */
  add(record: OtlpRequestRecord, spans: OtlpSpan[]): void {
    this.requests.push(record);
    this.spans.push(...spans);
    for (const w of this.waiters) {
      if (this.spans.length >= w.count) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve([...this.spans]);
      }
    }
  }

  /** The receiver API over this log, at `endpoint`; `stop` closes the server. */
  receiver(endpoint: string, stop: () => Promise<void>): OtlpReceiver {
    const { requests, errors, spans, waiters } = this;
    const describe = (): string => {
      const names = spans.map((s) => s.name);
      const lines = [
        `${spans.length} span(s) received: ${JSON.stringify(names)}`,
        `requests: ${JSON.stringify(requests.map((r) => `${r.path} ${r.contentType}`))}`,
      ];
      if (errors.length) lines.push(`rejected requests: ${JSON.stringify(errors.map((e) => `${e.status} ${e.path}: ${e.message}`))}`);
      return lines.join('\n');
    };
    return {
      endpoint,
      requests,
      errors,
      spans: () => [...spans],
      waitForSpans: (count: number, timeoutMs = 10_000): Promise<OtlpSpan[]> => {
        if (spans.length >= count) return Promise.resolve([...spans]);
        if (this.closed) return Promise.reject(new Error(`waitForSpans(${count}): receiver is closed; ${describe()}`));
        return new Promise<OtlpSpan[]>((resolve, reject) => {
          const w: Waiter = {
            count,
            resolve,
            reject,
            timer: setTimeout(() => {
              waiters.delete(w);
              reject(new Error(`waitForSpans(${count}) timed out after ${timeoutMs}ms; ${describe()}`));
            }, timeoutMs),
          };
          waiters.add(w);
        });
      },
      reset: (): void => {
        requests.length = 0;
        errors.length = 0;
        spans.length = 0;
      },
      close: async (): Promise<void> => {
        if (this.closed) return;
        this.closed = true;
        for (const w of waiters) {
          clearTimeout(w.timer);
          w.reject(new Error(`waitForSpans(${w.count}): receiver closed; ${describe()}`));
        }
        waiters.clear();
        await stop();
      },
    };
  }
}
