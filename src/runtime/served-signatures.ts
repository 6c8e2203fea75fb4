import { readFileSync } from 'node:fs';

/** One imported function as the host serves it: its WIT text and the hash of its structure. */
export interface ServedFunction {
  wit: string;
  structure: string;
}

/** Functions by name, per interface. */
export type ServedInterfaces = Record<string, Record<string, ServedFunction>>;

/** generated/shape-signatures.json (made from wit/ by scripts/generate.mjs). */
export interface ServedSignatures {
  /** Every wasi:otel shape: its package version and functions per interface (`tracing`, ...). */
  shapes: { shape: string; version: string; interfaces: ServedInterfaces }[];
  /** wasi:observe and wasi:logging, by unversioned interface name (`wasi:observe/tracer`). */
  observe: ServedInterfaces;
}

let served: ServedSignatures | undefined;

/** The functions this host serves, read once (src/ and dist/ both sit two levels below the root). */
export function servedSignatures(): ServedSignatures {
  served ??= JSON.parse(readFileSync(new URL('../../generated/shape-signatures.json', import.meta.url), 'utf8')) as ServedSignatures;
  return served;
}
