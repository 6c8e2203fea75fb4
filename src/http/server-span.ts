import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_CLIENT_PORT,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { ATTR_HTTP_REQUEST_BODY_SIZE, ATTR_HTTP_RESPONSE_BODY_SIZE } from '@opentelemetry/semantic-conventions/incubating';

/** Methods the HTTP conventions name; any other is reported as `_OTHER` (original kept). */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/** What a server span says of its request (HTTP semantic conventions, stable set). */
export interface RequestFacts {
  method: string;
  target: string;
  scheme: 'http' | 'https';
  /** The Host header (or the listening address). */
  host: string | undefined;
  userAgent: string | undefined;
  httpVersion: string;
  clientAddress: string | undefined;
  clientPort: number | undefined;
  /** Known at the start for a body held whole; else set when the request ends (ResponseFacts). */
  bodySize?: number;
}

/** The server span's name: the method (the route is the guest's business, unknown to the host). */
export function serverSpanName(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'HTTP';
}

/** The request attributes of a server span, known when it starts. */
export function requestAttributes(facts: RequestFacts): Attributes {
  const known = KNOWN_METHODS.has(facts.method);
  const queryAt = facts.target.indexOf('?');
  const [address, port] = hostAndPort(facts.host, facts.scheme);
  return {
    [ATTR_HTTP_REQUEST_METHOD]: known ? facts.method : '_OTHER',
    ...(known ? {} : { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: facts.method }),
    [ATTR_URL_PATH]: queryAt === -1 ? facts.target : facts.target.slice(0, queryAt),
    ...(queryAt === -1 ? {} : { [ATTR_URL_QUERY]: facts.target.slice(queryAt + 1) }),
    [ATTR_URL_SCHEME]: facts.scheme,
    ...(address !== undefined ? { [ATTR_SERVER_ADDRESS]: address } : {}),
    ...(port !== undefined ? { [ATTR_SERVER_PORT]: port } : {}),
    ...(facts.userAgent !== undefined ? { [ATTR_USER_AGENT_ORIGINAL]: facts.userAgent } : {}),
    [ATTR_NETWORK_PROTOCOL_VERSION]: facts.httpVersion,
    ...(facts.clientAddress !== undefined ? { [ATTR_CLIENT_ADDRESS]: facts.clientAddress } : {}),
    ...(facts.clientPort !== undefined ? { [ATTR_CLIENT_PORT]: facts.clientPort } : {}),
    ...(facts.bodySize !== undefined ? { [ATTR_HTTP_REQUEST_BODY_SIZE]: facts.bodySize } : {}),
  };
}

/** `example.com:8080` -> ['example.com', 8080]; `[::1]:80` -> ['::1', 80]; no port: the scheme's. */
export function hostAndPort(host: string | undefined, scheme: 'http' | 'https'): [string | undefined, number | undefined] {
  if (host === undefined || host === '') return [undefined, undefined];
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return [undefined, undefined];
  const address = match[1]!.replace(/^\[(.*)\]$/, '$1');
  const port = match[2] !== undefined ? Number(match[2]) : scheme === 'https' ? 443 : 80;
  return [address, port];
}

/** How a request ended, as the server span records it. */
export interface ResponseFacts {
  status: number;
  bodySize: number;
  /** The request body's size, when it was not known at the start (a streamed body: the bytes received). */
  requestBodySize?: number;
  /** Why the host answered for the guest or the exchange failed (`guest_trap`, `timeout`, ...). */
  errorType?: string;
  /** A one-line description of that failure. */
  errorMessage?: string;
}

/**
 * Sets the response attributes and the status: a server span is an error for a 5xx status or a
 * failure, and otherwise leaves its status unset (4xx is the client's error, not the server's).
 */
export function settleServerSpan(span: Span, facts: ResponseFacts): void {
  span.setAttributes(responseAttributes(facts));
  if (facts.status >= 500 || facts.errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, ...(facts.errorMessage ? { message: facts.errorMessage } : {}) });
}

/** The response attributes of a server span (status code, body sizes, error type). */
export function responseAttributes(facts: ResponseFacts): Attributes {
  const errorType = facts.errorType ?? (facts.status >= 500 ? String(facts.status) : undefined);
  return {
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: facts.status,
    [ATTR_HTTP_RESPONSE_BODY_SIZE]: facts.bodySize,
    ...(facts.requestBodySize !== undefined ? { [ATTR_HTTP_REQUEST_BODY_SIZE]: facts.requestBodySize } : {}),
    ...(errorType !== undefined ? { [ATTR_ERROR_TYPE]: errorType } : {}),
  };
}
