import { createHash } from 'node:crypto';
import { MEMORY_VIEWS_END, readerTrampoline, type RewriteResult } from './shared.js';

// 7. span-reader
//
// jco lifts a span's record into JS objects (`on-end(span-data)`: ~25 objects and ~20 strings)
// that the host then decodes into other objects. For the wasi:otel/tracing layouts the host has
// readers for (src/otel/span-data-reader.ts: read the record straight from guest memory into what
// the engine takes), the rewrite lets the trampoline offer the record to the host's reader first:
//
//     _checkMayLeave(0); // glue-transform: sync-import-fast-path
//     if (_jcoReadN !== null && ... && _jcoReadN(_jcoViewBytes, dv, arg0)) return; // glue-transform: span-reader
//     ...the generated lifting and host call, unchanged...
//
// where `_jcoReadN` is the reader the import function carries under its layout's symbol (null
// when the host gives none: the glue then runs exactly as generated). The reader returns false,
// having done nothing, for any record it does not take whole, and the generated code runs.
//
// A trampoline is rewritten only when its generated body (after the earlier rewrites, with
// memory and component indices and the package version left out) is exactly one the reader was
// written and tested for: KNOWN_LIFTS holds the hashes of those bodies. Any other body (another
// jco version, another WIT shape) is left alone and named in `skipped`. Requires memory-views
// (the cached view of the memory), lift-budget and sync-import-fast-path (part of the hashed body).

/** Hashes of the known generated lifts, with the symbol of the host's reader for each. */
const KNOWN_LIFTS: Readonly<Record<string, string>> = {
  // wasi:otel/tracing on-end(span-data), key-value values as JSON text (draft-2025-12, rc.1, rc.2, main)
  'fb9adf98841a62df': 'wasm-otel.read/wasi:otel json span-data',
  // wasi:otel/tracing on-start(span-context), lowered flat (draft-2025-12, rc.1, rc.2, main)
  '826852b56fb5624d': 'wasm-otel.read/wasi:otel json span-context',
};

const TRACING_FN = /_trampoline(\d+)\.fnName = '(wasi:otel\/tracing@[^#']*#(?:onEnd|onStart))';/g;
const BUDGET_BEGIN = /\n[ \t]*(if \(_jcoBudget !== null\) _jcoBudget\.begin\(\); \/\/ glue-transform: lift-budget)(?=\n[ \t]*_checkMayLeave)/;

/** The body of a trampoline as hashed: indices and versions that differ between components left out. */
export function liftFingerprint(body: string): string {
  const normalized = body
    .replace(/\bmemory\d+\b/g, 'memory')
    .replace(/\b(_checkMayLeave|getOrCreateAsyncState)\(\d+\)/g, '$1(N)')
    .replace(/wasi:otel\/tracing@[^"'\s,\]]*/g, 'wasi:otel/tracing@V');
  return createHash('sha256').update(normalized).digest('hex').slice(0, 16);
}

export function spanReader(source: string): RewriteResult {
  const name = 'span-reader';
  if (!source.includes(MEMORY_VIEWS_END)) return { name, source, applied: false, skipped: source.includes("'wasi:otel/tracing@") ? [`${name}: needs memory-views`] : [] };
  const skipped: string[] = [];
  let count = 0;
  for (const [, n, fnName] of [...source.matchAll(TRACING_FN)]) {
    const found = readerTrampoline(source, { rewrite: name, n: n!, fnName: fnName! }, liftFingerprint, KNOWN_LIFTS, skipped);
    if (!found) continue;
    const { head, bodyStart, body, memory, check, reader, definition } = found;
    const args = head[2]!;
    // The lift budget starts only for a record the reader leaves to the generated lifting.
    const begin = BUDGET_BEGIN.exec(body);
    const at = check.index + check[0].length;
    const call =
      `${check[1]}if (${reader} !== null && (_jcoMemoryBuffer(${memory}), _jcoViewMemory === ${memory}) && ${reader}(_jcoViewBytes, ${args.includes(',') ? args : `dv, ${args}`})) return; // glue-transform: span-reader\n`;
    let rewritten = body.slice(0, at) + call + (begin ? `${check[1]}${begin[1]}\n` : '') + body.slice(at);
    if (begin) rewritten = rewritten.slice(0, begin.index) + rewritten.slice(begin.index + begin[0].length);
    source = source.slice(0, head.index) + definition + source.slice(head.index, bodyStart) + rewritten + source.slice(bodyStart + body.length);
    count++;
  }
  return { name, source, applied: count > 0, skipped };
}
