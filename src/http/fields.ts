import { HOST_ONLY } from '../host/import-tracing.js';
import { validateHeaderName, validateHeaderValue } from 'node:http';

/** `wasi:http/types` `header-error`, thrown (as jco expects of a `result` import) by Fields. */
export type HeaderError = { tag: 'invalid-syntax' } | { tag: 'forbidden' } | { tag: 'immutable' };

/** Field names a guest may not set: the host owns the connection (as wasmtime and jco's shim). */
export const FORBIDDEN_FIELDS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'host', 'proxy-connection', 'transfer-encoding', 'upgrade']);

type Entry = [name: string, value: Uint8Array];

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function valid(name: string, value?: Uint8Array): boolean {
  try {
    validateHeaderName(name);
    if (value !== undefined) validateHeaderValue(name, decoder.decode(value));
    return true;
  } catch {
    return false;
  }
}

/**
 * `wasi:http/types` `fields` (headers and trailers): an ordered multimap of names (compared
 * without case) to byte values. Fields the host hands the guest (request headers, response
 * headers once given to the response) are immutable.
 */
export class Fields {
  static readonly [HOST_ONLY] = ['fromRaw', 'lock', 'put', 'textPairs'];

  #entries: Entry[] = [];
  #immutable = false;

  static fromList(entries: readonly Entry[]): Fields {
    const fields = new Fields();
    for (const [name, value] of entries) {
      if (!valid(name, value)) throw { tag: 'invalid-syntax' } satisfies HeaderError;
      if (FORBIDDEN_FIELDS.has(name.toLowerCase())) throw { tag: 'forbidden' } satisfies HeaderError;
      fields.#entries.push([name, value]);
    }
    return fields;
  }

  get(name: string): Uint8Array[] {
    const key = name.toLowerCase();
    return this.#entries.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.#entries.some(([n]) => n.toLowerCase() === key);
  }

  set(name: string, values: readonly Uint8Array[]): void {
    this.#check(name, values);
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== key);
    for (const value of values) this.#entries.push([name, value]);
  }

  delete(name: string): void {
    if (this.#immutable) throw { tag: 'immutable' } satisfies HeaderError;
    if (!valid(name)) throw { tag: 'invalid-syntax' } satisfies HeaderError;
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== key);
  }

  append(name: string, value: Uint8Array): void {
    this.#check(name, [value]);
    this.#entries.push([name, value]);
  }

  entries(): Entry[] {
    return this.#entries.map(([n, v]) => [n, v]);
  }

  clone(): Fields {
    const copy = new Fields();
    copy.#entries = this.entries();
    return copy;
  }

  #check(name: string, values: readonly Uint8Array[]): void {
    if (this.#immutable) throw { tag: 'immutable' } satisfies HeaderError;
    if (!valid(name) || values.some((value) => !valid(name, value))) throw { tag: 'invalid-syntax' } satisfies HeaderError;
    if (FORBIDDEN_FIELDS.has(name.toLowerCase())) throw { tag: 'forbidden' } satisfies HeaderError;
  }

  /** Host side: fields from Node's raw header list (`rawHeaders`), locked. */
  static fromRaw(raw: readonly string[]): Fields {
    const fields = new Fields();
    for (let i = 0; i + 1 < raw.length; i += 2) fields.#entries.push([raw[i]!.toLowerCase(), encoder.encode(raw[i + 1]!)]);
    fields.#immutable = true;
    return fields;
  }

  /** Host side: makes these fields immutable (once the guest gave them to a request or response). */
  static lock(fields: Fields): Fields {
    fields.#immutable = true;
    return fields;
  }

  /** Host side: adds a field even when locked or forbidden to the guest (trace context on an outgoing request). */
  static put(fields: Fields, name: string, value: string): void {
    const key = name.toLowerCase();
    fields.#entries = fields.#entries.filter(([n]) => n.toLowerCase() !== key);
    fields.#entries.push([key, encoder.encode(value)]);
  }

  /** Host side: the fields as text pairs, for Node's `writeHead` / `request`. */
  static textPairs(fields: Fields): [string, string][] {
    return fields.#entries.map(([n, v]) => [n, decoder.decode(v)]);
  }
}
