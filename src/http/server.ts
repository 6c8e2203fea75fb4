import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ProblemCounter } from '../engine/index.js';
import { WasmOtelError } from '../host/errors.js';
import type { ComponentRequestHandler } from './request-handler.js';

/** Where a server listens: `127.0.0.1:8080`, `:8080`, `[::1]:0`, or host and port. */
export type ListenAddress = string | { host?: string; port?: number };

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** How long close() lets requests in flight finish before it cuts their connections. */
export const DEFAULT_DRAIN_MILLIS = 10_000;

/** A component being served over HTTP. */
export interface ComponentServer {
  /** `http://127.0.0.1:8080` (the port the system chose, for port 0). */
  readonly url: string;
  readonly address: AddressInfo;
  /** Requests being served now. */
  readonly inFlight: number;
  /**
   * Stops accepting, lets requests in flight finish within `drainMillis` (then stops them: on
   * guest threads they are answered 503; then their connections are cut), and disposes the
   * instances. The telemetry is the caller's to flush.
   */
  close(drainMillis?: number): Promise<void>;
}

/** Parses a listen address; throws `invalid_arguments` with a one-line message. */
export function parseListen(listen: ListenAddress): { host: string; port: number } {
  if (typeof listen !== 'string') return { host: listen.host ?? '127.0.0.1', port: listen.port ?? 8080 };
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*))?:(\d{1,5})$/.exec(listen.trim()) ?? /^()()(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new WasmOtelError('invalid_arguments', `--listen ${JSON.stringify(listen)} is not an address (use host:port, e.g. 127.0.0.1:8080, or :8080)`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

const STATUS_OF_CLIENT_ERROR: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** Listens with `handler`; resolves once listening (rejects with `listen_failed`-like one-line errors). */
export async function startServer(
  handler: ComponentRequestHandler,
  options: { listen?: ListenAddress; requestTimeoutMillis: number; problems: ProblemCounter },
): Promise<ComponentServer> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const server: Server = createServer({ requestTimeout: options.requestTimeoutMillis, headersTimeout: Math.min(60_000, options.requestTimeoutMillis) }, (req, res) => {
    void handler(req, res);
  });
  // Bad requests Node refuses before a handler sees them (huge headers, malformed HTTP, a slow client).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A client gone mid-request (the request handler counts it when it had started) is not a refusal.
    if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text] = STATUS_OF_CLIENT_ERROR[error.code ?? ''] ?? [400, 'Bad Request'];
    options.problems.report('http_request_refused', `a request from ${socket.remoteAddress ?? 'a client'} was refused with ${status} (${error.code ?? error.message})`);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WasmOtelError('invalid_arguments', `cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the address is in use' : error.code === 'EACCES' ? 'permission denied' : error.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${address.port}`,
    address,
    get inFlight() {
      return handler.inFlight;
    },
    close(drainMillis = DEFAULT_DRAIN_MILLIS) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = Date.now() + drainMillis;
        while (handler.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        // The handler first: what is still in flight is stopped and answered (503) while its
        // connection is open; then the connections go.
        await handler.close();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
