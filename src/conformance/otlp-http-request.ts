/**
 * One OTLP/HTTP export request (`POST /v1/traces|metrics|logs`, protobuf or OTLP/JSON, optionally
 * gzip/deflate/br compressed) read and decoded with the official schema, and the collector's
 * success answer (the empty Export*ServiceResponse). Both the conformance collector and the
 * tests' OTLP receiver serve requests through this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { decodeJsonRequest } from './otlp-json.js';
import { decodeProtobufRequest, emptyProtobufResponse, signalOfPath, type OtlpEncoding, type OtlpSignal } from './otlp-schema.js';
import type { DecodedOtlpMessage } from './otlp-values.js';

/** A request the collector refuses, with the HTTP status to answer. */
export class OtlpHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A decoded OTLP/HTTP export request. */
export interface DecodedHttpRequest {
  signal: OtlpSignal;
  path: string;
  encoding: OtlpEncoding;
  /** Request body after content-encoding was removed. */
  raw: Buffer;
  /** Parsed JSON document (OTLP/JSON only); integer literals beyond ±(2^53-1) kept exact as decimal strings. */
  json?: unknown;
  decoded: DecodedOtlpMessage;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decompress(body: Buffer, contentEncoding: string): Buffer {
  try {
    switch (contentEncoding.trim().toLowerCase()) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body);
      case 'deflate':
        return inflateSync(body);
      case 'br':
        return brotliDecompressSync(body);
    }
  } catch (err) {
    throw new OtlpHttpError(400, `cannot decompress ${contentEncoding} body: ${(err as Error).message}`);
  }
  throw new OtlpHttpError(415, `unsupported content-encoding ${JSON.stringify(contentEncoding)}`);
}

/** The path of a request's URL, without the query. */
export function requestPath(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://x').pathname;
}

/**
 * Reads and decodes an OTLP/HTTP export request; throws {@link OtlpHttpError} (404 unknown path,
 * 405 not POST, 415 unsupported content type or encoding, 400 undecodable body).
 */
export async function decodeHttpRequest(req: IncomingMessage): Promise<DecodedHttpRequest> {
  const path = requestPath(req);
  const method = req.method ?? '';
  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  const signal = signalOfPath(path);
  if (!signal) throw new OtlpHttpError(404, `unknown OTLP path ${path}`);
  if (method !== 'POST') throw new OtlpHttpError(405, `method ${method} not allowed on ${path}`);
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  let encoding: OtlpEncoding;
  if (mediaType === 'application/x-protobuf') encoding = 'protobuf';
  else if (mediaType === 'application/json') encoding = 'json';
  else throw new OtlpHttpError(415, `unsupported content-type ${JSON.stringify(contentType)}`);
  const raw = decompress(body, req.headers['content-encoding'] ?? '');
  try {
    if (encoding === 'protobuf') return { signal, path, encoding, raw, decoded: decodeProtobufRequest(signal, raw) };
    const { json, decoded } = decodeJsonRequest(signal, raw.toString('utf8'));
    return { signal, path, encoding, raw, json, decoded };
  } catch (err) {
    throw new OtlpHttpError(400, `cannot decode ${encoding} ${path}: ${(err as Error).message}`);
  }
}

/** Answers a fully accepted export: the empty Export*ServiceResponse in the request's encoding. */
export function answerSuccess(res: ServerResponse, signal: OtlpSignal, encoding: OtlpEncoding): void {
  if (encoding === 'protobuf') {
    const out = emptyProtobufResponse(signal);
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': out.byteLength });
    res.end(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }
}

/** Answers a refused request with its status and a one-line text body. */
export function answerError(res: ServerResponse, status: number, message: string): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}
