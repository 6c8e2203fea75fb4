/**
 * Targeted rewrites of the JS glue that jco generates for a component (js-component-bindgen as
 * shipped in @bytecodealliance/jco-transpile 0.15 / jco 1.35, `instantiation: 'async'` or
 * `'sync'`), to cut the cost of each host-import call.
 *
 * One guest span (on-start + on-end with 5 attributes and 1 event, no-op host imports, Node 20)
 * costs ~18 us in the generated glue and ~2 us after these rewrites:
 *
 *  1. `debug-flag`: `_debugLog` reads `process.env.JCO_DEBUG` (getenv-backed, slow) on every
 *     call, ~46 times per span. Read it once per instantiation.
 *  2. `memory-views`: every field read calls `dataView(memory0)`, which reads the
 *     `WebAssembly.Memory#buffer` getter, and every string read does
 *     `new Uint8Array(memory0.buffer, ...)`: ~75 slow getter calls per span. Cache the buffer
 *     while it stays attached.
 *  3. `ascii-strings`: each string goes through `TextDecoder#decode` (~100 ns even for 5 bytes).
 *     Build short ASCII strings in JS.
 *  4. `sync-import-fast-path`: each host import runs through `_lowerImportBackwardsCompat` and a
 *     host task (~2.6 us: subtask, waitable, two tasks, handle-table entries, all torn down
 *     again). Call synchronous, plain-data imports directly.
 *  5. `lift-budget`: not for speed but for safety. A record passed to a telemetry import
 *     (`wasi:otel/*`, `wasi:observe/*`, `wasi:logging/*`) is lifted within a byte budget the host
 *     passes in, so a guest cannot make the host build gigabytes of strings from a few kilobytes
 *     of memory; and invalid UTF-8 is counted instead of passing silently.
 *  6. `created-reps`: not for speed but for memory. jco records every resource handed to the
 *     guest in a Set nothing reads: a long-lived instance making wasi:observe spans would keep
 *     ~25 bytes per span forever. The never-read `add` is dropped.
 *  7. `split-lift`: a trampoline too large for V8 to optimize (`wasi:otel/metrics.export`: ~120
 *     KB, every metric-data variant inline) runs in the interpreter on every call. Its large
 *     variant cases are moved, unchanged, into functions of their own, each small enough to be
 *     optimized.
 *  8. `span-reader`: the trampolines of wasi:otel/tracing `on-end` / `on-start` first offer the
 *     record to the host's reader (src/otel/span-data-reader.ts), which reads it straight from
 *     guest memory into what the engine takes; a record it does not take whole is lifted as
 *     generated. Only bodies exactly as the reader was written for (by hash) are rewritten.
 *  9. `log-reader`: the trampoline of wasi:otel/logs `on-emit` first offers the record to the
 *     host's reader (src/otel/log-record-reader.ts), which reads it straight from guest memory
 *     and emits it; a record it does not take whole is lifted as generated. Only the body the
 *     reader was written for (by hash) is rewritten.
 * 10. `promising-probe`: not for a call's speed but for instantiation's. jco probes for JSPI
 *     (`WebAssembly.promising`, missing in Node 20) once per realloc and post-return function, in
 *     a try/catch; the TypeError's message makes V8 parse the instantiating generator again, ~25
 *     times per componentize-js instance (~80-130 ms each time). The probes ask first.
 *
 * Each rewrite matches an exact pattern of the generated code; when the pattern is absent
 * (another jco version, another mode) it is skipped and reported, and the glue keeps working as
 * generated. None of them changes what a call does: arguments, results, strings, traps and
 * errors stay the same (test/glue-transform.test.ts runs raw and rewritten glue side by side);
 * `lift-budget` changes what is lifted only when the host gives a budget and a record exceeds it.
 * When upgrading jco, run that test: it asserts which rewrites apply.
 *
 * Apply it to the main `.js` file of the transpile output (not to `.d.ts` or `.core*.wasm`).
 */

import { asciiStrings } from './glue/ascii-strings.js';
import { createdReps } from './glue/created-reps.js';
import { debugFlag } from './glue/debug-flag.js';
import { liftBudget } from './glue/lift-budget.js';
import { logReader } from './glue/log-reader.js';
import { memoryViews } from './glue/memory-views.js';
import { promisingProbe } from './glue/promising-probe.js';
import type { RewriteResult } from './glue/shared.js';
import { splitLift } from './glue/split-lift.js';
import { syncImportFastPath } from './glue/sync-import-fast-path.js';
import { spanReader } from './glue/span-reader.js';

/** Bump when the output of `transformGlue` changes (the transpile cache keys on it). */
export const GLUE_TRANSFORM_VERSION = 14;

export interface GlueTransformResult {
  /** The rewritten glue (the input unchanged when nothing applied). */
  source: string;
  /** Names of the rewrites that were applied. */
  applied: string[];
  /** Rewrites (or single imports) left alone, each with the reason. */
  skipped: string[];
}

export const REWRITES = ['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget', 'created-reps', 'split-lift', 'span-reader', 'log-reader', 'promising-probe'] as const;
export type RewriteName = (typeof REWRITES)[number];

/**
 * Applies the rewrites to the generated glue: the main `.js` file of the transpile output (not
 * the `.d.ts` files or core wasm). `options.rewrites` limits them to a subset (for measurements
 * and tests; the default, all of them, is what the host uses).
 */
export function transformGlue(source: string, options: { rewrites?: readonly RewriteName[] } = {}): GlueTransformResult {
  const wanted = new Set<RewriteName>(options.rewrites ?? REWRITES);
  const applied: string[] = [];
  const skipped: string[] = [];
  const steps: [RewriteName, (source: string) => RewriteResult][] = [
    ['debug-flag', debugFlag],
    ['memory-views', memoryViews],
    ['ascii-strings', asciiStrings],
    ['sync-import-fast-path', syncImportFastPath],
    ['lift-budget', liftBudget],
    ['created-reps', createdReps],
    ['split-lift', splitLift],
    ['span-reader', spanReader],
    ['log-reader', logReader],
    ['promising-probe', promisingProbe],
  ];
  for (const [name, rewrite] of steps) {
    if (!wanted.has(name)) continue;
    const result = rewrite(source);
    source = result.source;
    if (result.applied) applied.push(name);
    skipped.push(...result.skipped);
  }
  return { source, applied, skipped };
}
