import { createHash } from 'node:crypto';
import { MEMORY_VIEWS_END, readerTrampoline, type RewriteResult } from './shared.js';

// 9. log-reader
//
// jco lifts a log record (`logs.on-emit(log-record)`: a dozen options, ~15 strings, two BigInts
// per timestamp) into JS objects that the host then decodes into other objects. For the layout
// the host has a reader for (src/otel/log-record-reader.ts: read the record straight from guest
// memory and emit it), the rewrite lets the trampoline offer the record to the reader first:
//
//     _checkMayLeave(0); // glue-transform: sync-import-fast-path
//     if (_jcoReadN !== null && ... && _jcoReadN(_jcoViewBytes, dv, arg0)) return; // glue-transform: log-reader
//     ...the generated lifting and host call, unchanged...
//
// where `_jcoReadN` is the reader the `onEmit` import function carries under the layout's
// symbol (null when the host gives none: the glue then runs exactly as generated). The reader
// returns false, having done nothing, for any record it does not take whole, and the generated
// code runs.
//
// A trampoline is rewritten only when its generated body (after the earlier rewrites, with
// memory and component indices and the package version left out) is exactly the one the reader
// was written and tested for (KNOWN_LIFTS, by hash). Any other body (another jco version,
// another WIT shape) is left alone and named in `skipped`. Requires memory-views, lift-budget and
// sync-import-fast-path (part of the hashed body).

/** Hashes of the known generated lifts, with the symbol of the host's reader for each. */
const KNOWN_LIFTS: Readonly<Record<string, string>> = {
  // wasi:otel/logs on-emit(log-record), key-value values as JSON text (draft-2025-12, rc.1, rc.2, rc.3, main)
  'e4e65668b8212fd1': 'wasm-otel.read/wasi:otel json log-record',
};

const LOGS_FN = /_trampoline(\d+)\.fnName = '(wasi:otel\/logs@[^#']*#onEmit)';/g;

/** The body of a trampoline as hashed: indices and versions that differ between components left out. */
export function logLiftFingerprint(body: string): string {
  const normalized = body
    .replace(/\bmemory\d+\b/g, 'memory')
    .replace(/\b(_checkMayLeave|getOrCreateAsyncState)\(\d+\)/g, '$1(N)')
    .replace(/wasi:otel\/logs@[^"'\s,\]]*/g, 'wasi:otel/logs@V');
  return createHash('sha256').update(normalized).digest('hex').slice(0, 16);
}

export function logReader(source: string): RewriteResult {
  const name = 'log-reader';
  const trampolines = [...source.matchAll(LOGS_FN)];
  if (trampolines.length === 0) return { name, source, applied: false, skipped: [] };
  if (!source.includes(MEMORY_VIEWS_END)) return { name, source, applied: false, skipped: [`${name}: needs memory-views`] };
  if (source.includes('// glue-transform: log-reader')) return { name, source, applied: false, skipped: [`${name}: already applied`] };
  const skipped: string[] = [];
  let count = 0;
  for (const [, n, fnName] of trampolines) {
    const found = readerTrampoline(source, { rewrite: name, n: n!, fnName: fnName!, params: 'arg0' }, logLiftFingerprint, KNOWN_LIFTS, skipped);
    if (!found) continue;
    const { head, bodyStart, memory, check, reader, definition } = found;
    const at = bodyStart + check.index + check[0].length;
    const call = `${check[1]}if (${reader} !== null && (_jcoMemoryBuffer(${memory}), _jcoViewMemory === ${memory}) && ${reader}(_jcoViewBytes, dv, arg0)) return; // glue-transform: log-reader\n`;
    source = source.slice(0, head.index) + definition + source.slice(head.index, at) + call + source.slice(at);
    count++;
  }
  return { name, source, applied: count > 0, skipped };
}
