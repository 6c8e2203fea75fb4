/**
 * The conformance runner's OTLP collector: an OTLP/HTTP server on 127.0.0.1 (an ephemeral port)
 * that takes protobuf and OTLP/JSON exports (gzip, deflate or br compressed, or not), answers
 * them as a collector does (the empty Export*ServiceResponse), and keeps what arrived, decoded
 * and flattened, as a {@link Received}. OTLP/gRPC is not served: the host under test is told to
 * use http/protobuf.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerError, answerSuccess, decodeHttpRequest, OtlpHttpError } from './otlp-http-request.js';
import { logsOf, metricsOf } from './otlp-metrics-logs.js';
import { assertLongSupport } from './otlp-schema.js';
import { spansOf } from './otlp-spans.js';
import type { Received } from './received.js';
import { listenOnLoopback } from './listen-loopback.js';

export interface Collector {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the host's OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly endpoint: string;
  /** What arrived so far. */
  received(): Received;
  /** Requests refused (`<status> <path>: <reason>`), e.g. undecodable bodies. */
  rejected(): string[];
  /** How many requests were taken (answered with success). */
  accepted(): number;
  /**
   * Resolves once no request has been in flight or arrived for `quietMs` from now (the host's
   * exports have stopped), or after `maxMs` at most.
   */
  settled(quietMs: number, maxMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a collector on 127.0.0.1 with an ephemeral port (one per scenario: each starts empty). */
export async function startCollector(): Promise<Collector> {
  assertLongSupport();
  const received: Received = { spans: [], logs: [], metrics: [] };
  const rejected: string[] = [];
  let accepted = 0;
  let inFlight = 0;
  let lastActivity = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const request = await decodeHttpRequest(req);
      let into: Received;
      try {
        into = { spans: spansOf(request.signal, request.decoded), metrics: request.signal === 'metrics' ? metricsOf(request.decoded) : [], logs: request.signal === 'logs' ? logsOf(request.decoded) : [] };
      } catch (error) {
        throw new OtlpHttpError(400, `invalid ${request.signal} in ${request.encoding} ${request.path}: ${(error as Error).message}`);
      }
      received.spans.push(...into.spans);
      received.metrics.push(...into.metrics);
      received.logs.push(...into.logs);
      accepted++;
      answerSuccess(res, request.signal, request.encoding);
    } catch (error) {
      const status = error instanceof OtlpHttpError ? error.status : 500;
      const message = (error as Error).message.split('\n')[0]!;
      rejected.push(`${status} ${req.url ?? ''}: ${message}`);
      answerError(res, status, message);
    }
  };

  const server = createServer((req, res) => {
    inFlight++;
    lastActivity = performance.now();
    res.on('close', () => {
      inFlight--;
      lastActivity = performance.now();
    });
    void handle(req, res);
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received: () => ({ spans: [...received.spans], logs: [...received.logs], metrics: [...received.metrics] }),
    rejected: () => [...rejected],
    accepted: () => accepted,
    settled: async (quietMs, maxMs) => {
      const since = performance.now();
      const deadline = since + maxMs;
      while (performance.now() < deadline && (inFlight > 0 || performance.now() - Math.max(lastActivity, since) < quietMs)) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
