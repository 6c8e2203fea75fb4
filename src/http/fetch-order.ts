import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import type { ErrorCode } from './error-code.js';

/** One outgoing request, as the fetch thread takes it. */
export interface FetchOrder {
  method: string;
  scheme: 'http' | 'https';
  host: string;
  /** `host:port` as the guest wrote it (the Host header). */
  authority: string;
  port: number | undefined;
  pathWithQuery: string;
  /** Flat pairs, as Node's `request` takes an array. */
  headers: [string, string][];
  body: Uint8Array;
  timeoutMillis: number;
  maxBodyBytes: number;
}

/** What came back: the whole response, or why there is none. */
export type FetchAnswer = { status: number; rawHeaders: string[]; body: Uint8Array } | { error: ErrorCode; message: string };

let fetchSync: ((order: FetchOrder) => FetchAnswer) | undefined;

/** Makes the request on the fetch thread and waits for it (the guest's thread blocks meanwhile). */
export function fetchBlocking(order: FetchOrder): FetchAnswer {
  fetchSync ??= createSyncFn<(order: FetchOrder) => Promise<FetchAnswer>>(fetchWorker()) as (order: FetchOrder) => FetchAnswer;
  try {
    return fetchSync(order);
  } catch (error) {
    return { error: { tag: 'internal-error', val: 'the request could not be made' }, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The compiled fetch-worker.js beside this file, else (tests run the sources) the one in dist/. */
function fetchWorker(): URL {
  const beside = new URL('./fetch-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/http/fetch-worker.js', import.meta.url);
}
