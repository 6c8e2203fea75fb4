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

/** Bump when the output of `transformGlue` changes (the transpile cache keys on it). */
export const GLUE_TRANSFORM_VERSION = 6;

export interface GlueTransformResult {
  /** The rewritten glue (the input unchanged when nothing applied). */
  source: string;
  /** Names of the rewrites that were applied. */
  applied: string[];
  /** Rewrites (or single imports) left alone, each with the reason. */
  skipped: string[];
}

export const REWRITES = ['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget'] as const;
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

interface RewriteResult {
  name: RewriteName;
  source: string;
  applied: boolean;
  skipped: string[];
}

// ---------------------------------------------------------------------------------------------
// 1. debug-flag
//
// jco's debug helper checks the environment on every call:
//
//     const _debugLog = (...args) => {
//       if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
//       console.debug(...args);
//     };
//
// `process.env` is backed by getenv(), so each check costs ~0.1 us. The rewrite reads the variable
// once, when `instantiate()` runs, so JCO_DEBUG is honoured as set at instantiation time (setting
// it later, in the middle of a component's life, no longer switches logging on). The helper is
// defined inside `instantiate()`, so each instance reads it once.

const DEBUG_LOG = /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/;

function debugFlag(source: string): RewriteResult {
  const name = 'debug-flag';
  const matches = source.match(new RegExp(DEBUG_LOG.source, 'g')) ?? [];
  if (matches.length !== 1) {
    return { name, source, applied: false, skipped: [`${name}: expected one _debugLog helper reading process.env.JCO_DEBUG, found ${matches.length}`] };
  }
  const replacement =
    'const _jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG; // glue-transform: read once per instantiation\n' +
    '  const _debugLog = (...args) => {\n' +
    '    if (!_jcoDebug) { return; }\n' +
    '    console.debug(...args);\n' +
    '  };';
  return { name, source: source.replace(DEBUG_LOG, () => replacement), applied: true, skipped: [] };
}

// ---------------------------------------------------------------------------------------------
// 2. memory-views
//
// Generated:
//
//     let dv = new DataView(new ArrayBuffer());
//     const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);
//
// plus `new Uint8Array(memory0.buffer, ptr, len)` for every string. Both read the
// `WebAssembly.Memory#buffer` getter on every access. The rewrite keeps the last memory and its
// buffer and reuses them while that buffer is still attached: a non-shared, non-resizable
// memory keeps returning the same ArrayBuffer until it grows, and growing detaches that buffer
// (its byteLength drops to 0), after which the next access fetches the new one. So
// `_jcoMemoryBuffer(m)` always returns exactly the object `m.buffer` would. Shared or resizable
// buffers (and empty memories) are never cached: those read `m.buffer` every time, as before.

// The helper is the first statement of instantiate(), so what replaces it is visible to all the
// code of instantiate(); only that code (up to its final return) is rewritten.
const DATA_VIEW = /(export function instantiate\([^\n]*\) \{\s*)let dv = new DataView\(new ArrayBuffer\(\)\);\s*const dataView = mem => dv\.buffer === mem\.buffer \? dv : dv = new DataView\(mem\.buffer\);/;
const INSTANTIATE_END = '\nreturn promise || maybeSyncReturn;\n};';

// `memoryN.buffer` (component memories) and `memory.buffer` (the parameter of the string
// encoding helpers), but not `ctx.memory.buffer` or other properties.
const MEMORY_BUFFER = /(?<![\w$.])(memory\d*)\.buffer\b/g;

const MEMORY_VIEWS_END = '// glue-transform (memory-views) end';

function memoryViews(source: string): RewriteResult {
  const name = 'memory-views';
  const helper = DATA_VIEW.exec(source);
  const end = source.indexOf(INSTANTIATE_END);
  if (!helper || end < helper.index || source.indexOf(INSTANTIATE_END, end + 1) >= 0) {
    return { name, source, applied: false, skipped: [`${name}: dataView helper at the top of instantiate() not found`] };
  }
  const helpers = `${helper[1]}let dv = new DataView(new ArrayBuffer());
  // glue-transform (memory-views): reuse the last memory's buffer while it is attached.
  let _jcoViewMemory = null;
  let _jcoViewBuffer = dv.buffer;
  let _jcoViewBytes = new Uint8Array(_jcoViewBuffer);
  const _jcoRefreshView = mem => {
    const buffer = mem.buffer;
    if (buffer !== _jcoViewBuffer) { dv = new DataView(buffer); _jcoViewBuffer = buffer; _jcoViewBytes = new Uint8Array(buffer); }
    _jcoViewMemory = buffer instanceof ArrayBuffer && !buffer.resizable && buffer.byteLength !== 0 ? mem : null;
  };
  const dataView = mem => {
    if (mem !== _jcoViewMemory || _jcoViewBuffer.byteLength === 0) { _jcoRefreshView(mem); }
    return dv;
  };
  const _jcoMemoryBuffer = mem => {
    if (mem !== _jcoViewMemory || _jcoViewBuffer.byteLength === 0) { _jcoRefreshView(mem); }
    return _jcoViewBuffer;
  };
  ${MEMORY_VIEWS_END}`;
  const before = source.slice(0, helper.index);
  const body = source.slice(helper.index + helper[0].length, end);
  // (The new helpers read `mem.buffer`, which MEMORY_BUFFER does not match.)
  const rewritten = body.replace(MEMORY_BUFFER, (_all, memory: string) => `_jcoMemoryBuffer(${memory})`);
  return { name, source: before + helpers + rewritten + source.slice(end), applied: true, skipped: [] };
}

// ---------------------------------------------------------------------------------------------
// 3. ascii-strings
//
// Every string lifted from guest memory is decoded with
//
//     TEXT_DECODER_UTF8.decode(new Uint8Array(memory0.buffer, ptr, len))
//
// which costs ~100 ns on Node 20 even for a 5-byte string (a typed array, then the decoder's
// argument checks and a call into C++); a span has ~25 such strings. Most are short ASCII
// (names, keys, ids, small JSON values). The rewrite decodes those in JS: when the bytes are in
// bounds of the cached memory view (see memory-views), at most 64 long and all below 0x80, the
// string is built with String.fromCharCode, which for ASCII gives exactly what the UTF-8 decoder
// gives (ASCII maps 1:1; the BOM and every invalid sequence involve bytes >= 0x80). Anything
// else (non-ASCII, long, out of bounds, shared or empty memory) takes the original expression,
// so errors (RangeError for a bad pointer) are unchanged. Requires memory-views.

const DECODE_CALL = /(TEXT_DECODER_UTF8)\.decode\(new Uint8Array\(_jcoMemoryBuffer\((memory\d+)\), (\w+), (\w+)\)\)/g;

const ASCII_STRINGS_END = '// glue-transform (ascii-strings) end';

/** Strings up to this many bytes are built with one String.fromCharCode call (ids are 16 and 32). */
const SHORT_ASCII_MAX = 16;

function asciiStrings(source: string): RewriteResult {
  const name = 'ascii-strings';
  const skip = (reason: string): RewriteResult => ({ name, source, applied: false, skipped: [`${name}: ${reason}`] });
  // The decoder must be jco's default one: UTF-8, replacement characters, BOM stripped.
  if (!/\bconst TEXT_DECODER_UTF8 = new TextDecoder\(\);/.test(source)) return skip('TEXT_DECODER_UTF8 (a default TextDecoder) not found');
  const at = source.indexOf(MEMORY_VIEWS_END);
  if (at < 0) return skip('needs memory-views');
  if (source.search(DECODE_CALL) < 0) return skip('no string lifting from memory found');
  const cases = Array.from({ length: SHORT_ASCII_MAX }, (_, n) => {
    const args = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 'b[p]' : `b[p + ${k}]`));
    return `      case ${n + 1}: return fcc(${args.join(', ')});`;
  });
  // The call sites pass TEXT_DECODER_UTF8 in, so the helper makes no assumption about its scope.
  const helpers = `
  // glue-transform (ascii-strings): short ASCII strings are built in JS; anything else is decoded
  // by the decoder exactly as before.
  const _jcoShortAscii = (b, p, n) => {
    const fcc = String.fromCharCode;
    switch (n) {
      case 0: return '';
${cases.join('\n')}
    }
  };
  const _jcoNodeBuffer = typeof globalThis.Buffer === 'function' && typeof globalThis.Buffer.prototype.latin1Slice === 'function' ? globalThis.Buffer : null;
  let _jcoNodeBufferFor = null;
  let _jcoNodeBufferView = null;
  const _jcoDecodeUtf8 = (decoder, mem, ptr, len) => {
    const buffer = _jcoMemoryBuffer(mem);
    if (mem === _jcoViewMemory && len <= 64 && ptr >= 0 && len >= 0 && ptr + len <= _jcoViewBytes.length) {
      const b = _jcoViewBytes;
      const end = ptr + len;
      let bits = 0;
      for (let i = ptr; i < end; i++) bits |= b[i];
      if (bits < 0x80) {
        if (len <= ${SHORT_ASCII_MAX}) return _jcoShortAscii(b, ptr, len);
        // Longer ones in one piece, so the result is a flat string (concatenating would make a
        // rope that every later use, e.g. a trace id hashed by the host, has to flatten):
        // Node's latin1Slice (ASCII is latin1) where there is one, else one fromCharCode call.
        if (_jcoNodeBuffer !== null) {
          if (_jcoNodeBufferFor !== _jcoViewBuffer) { _jcoNodeBufferFor = _jcoViewBuffer; _jcoNodeBufferView = _jcoNodeBuffer.from(_jcoViewBuffer); }
          return _jcoNodeBufferView.latin1Slice(ptr, end);
        }
        return String.fromCharCode.apply(null, b.subarray(ptr, end));
      }
    }
    return decoder.decode(new Uint8Array(buffer, ptr, len));
  };
  ${ASCII_STRINGS_END}`;
  const insertAt = at + MEMORY_VIEWS_END.length;
  source = source.slice(0, insertAt) + helpers + source.slice(insertAt);
  source = source.replace(DECODE_CALL, (_all, decoder: string, memory: string, ptr: string, len: string) => `_jcoDecodeUtf8(${decoder}, ${memory}, ${ptr}, ${len})`);
  return { name, source, applied: true, skipped: [] };
}

// ---------------------------------------------------------------------------------------------
// 5. lift-budget
//
// jco lifts an import's arguments completely before the host sees them: every string of a
// span-data record (through _jcoDecodeUtf8, see ascii-strings) and every list entry
//
//     for (let i = 0; i < lenN; i++) {
//       const base = baseN + i * SIZE;
//       ...
//
// and list<f64> / list<u64> as typed-array copies `.slice(ptrN, ptrN + lenN * 8)`. A guest can
// point thousands of attributes at one large string: a few KB of its memory become gigabytes of
// JS strings before any limit of the host applies. In the trampolines of the telemetry imports
// (fnName `wasi:otel/...`, `wasi:observe/...`, `wasi:logging/...`) the rewrite
//
//   - starts the host's budget at the top (`_jcoBudget.begin()`),
//   - charges each string and each list against it (`_jcoDecodeUtf8Budget`, `_jcoLiftList`):
//     past the budget, strings are cut at a character boundary and list entries are not lifted,
//   - counts strings that are not valid UTF-8 (the decoder replaces them with U+FFFD as before).
//
// The budget object is the import object's `Symbol.for('wasm-otel.lift-budget')` entry
// (src/runtime/lift-budget.ts); without one, or within it, the lifted values are exactly as
// generated. Requires ascii-strings. A trampoline with a list or string lift the rewrite does not
// recognize keeps the generated code.

const BUDGETED_IMPORT = /^wasi:(?:otel|observe|logging)\//;
const LIST_LOOP = /for \(let i = 0; i < (len\d+); i\+\+\) \{(\s*)const base = (base\d+) \+ i \* (\d+);/g;
const TYPED_SLICE = /\.slice\((ptr\d+), \1 \+ (len\d+) \* (\d+)\)/g;
const BUDGET_SYMBOL = "Symbol.for('wasm-otel.lift-budget')";

function liftBudget(source: string): RewriteResult {
  const name = 'lift-budget';
  const skip = (reason: string): RewriteResult => ({ name, source, applied: false, skipped: [`${name}: ${reason}`] });
  const at = source.indexOf(ASCII_STRINGS_END);
  if (at < 0) return skip('needs ascii-strings');
  if (source.includes('const _jcoBudget = ')) return skip('already applied');
  const signature = /export function instantiate\(getCoreModule, (\w+),/.exec(source);
  if (!signature) return skip('instantiate(getCoreModule, imports, ...) not found');
  const importsName = signature[1]!;
  const helpers = `
  // glue-transform (lift-budget): records passed to telemetry imports are lifted within the
  // host's byte budget; without a budget everything is lifted as generated.
  const _jcoBudget = (${importsName} && ${importsName}[${BUDGET_SYMBOL}]) || null;
  const _jcoFatalUtf8 = new TextDecoder('utf-8', { fatal: true });
  const _jcoLiftList = (len, size) => (_jcoBudget === null ? len : _jcoBudget.list(len, size));
  const _jcoDecodeUtf8Budget = (decoder, mem, ptr, len) => {
    const budget = _jcoBudget;
    if (budget === null) return _jcoDecodeUtf8(decoder, mem, ptr, len);
    let keep = budget.string(len);
    if (keep < len) {
      // Cut before a continuation byte, so the cut string ends with a whole character.
      const bytes = new Uint8Array(_jcoMemoryBuffer(mem));
      while (keep > 0 && ptr + keep < bytes.length && (bytes[ptr + keep] & 0xc0) === 0x80) keep--;
    }
    const text = _jcoDecodeUtf8(decoder, mem, ptr, keep);
    if (text.indexOf('\\ufffd') !== -1) {
      const buffer = _jcoMemoryBuffer(mem);
      try {
        if (buffer instanceof ArrayBuffer) _jcoFatalUtf8.decode(new Uint8Array(buffer, ptr, keep));
      } catch {
        budget.noteInvalidUtf8();
      }
    }
    return text;
  };`;
  const skipped: string[] = [];
  let rewritten = source;
  let count = 0;
  for (const m of source.matchAll(/_trampoline(\d+)\.fnName = '([^']*)';/g)) {
    const [, n, fnName] = m;
    if (!BUDGETED_IMPORT.test(fnName!)) continue;
    const result = budgetTrampoline(rewritten, n!);
    if ('reason' in result) {
      skipped.push(`${name}: ${fnName}: ${result.reason}`);
    } else {
      rewritten = result.source;
      count++;
    }
  }
  if (count === 0) return { name, source, applied: false, skipped: skipped.length > 0 ? skipped : [`${name}: no telemetry imports`] };
  const insertAt = rewritten.indexOf(ASCII_STRINGS_END) + ASCII_STRINGS_END.length;
  rewritten = rewritten.slice(0, insertAt) + helpers + rewritten.slice(insertAt);
  return { name, source: rewritten, applied: true, skipped };
}

/** Puts the lifting of trampoline N under the budget, or says why not. */
function budgetTrampoline(source: string, n: string): { source: string } | { reason: string } {
  const head = new RegExp(String.raw`const _trampoline${n} = function\([^)]*\) \{`).exec(source);
  if (!head) return { reason: 'trampoline not found' };
  const bodyStart = head.index + head[0].length;
  const end = new RegExp(String.raw`\n[ \t]*\}\n[ \t]*_trampoline${n}\.fnName = `).exec(source.slice(bodyStart));
  if (!end) return { reason: 'trampoline not found' };
  const bodyEnd = bodyStart + end.index;
  let body = source.slice(bodyStart, bodyEnd);
  body = body.replace(/_jcoDecodeUtf8\(/g, '_jcoDecodeUtf8Budget(');
  body = body.replace(LIST_LOOP, (_all, len: string, space: string, base: string, size: string) =>
    `for (let i = 0, _jcoLen = _jcoLiftList(${len}, ${size}); i < _jcoLen; i++) {${space}const base = ${base} + i * ${size};`,
  );
  body = body.replace(TYPED_SLICE, (_all, ptr: string, len: string, size: string) => `.slice(${ptr}, ${ptr} + _jcoLiftList(${len}, ${size}) * ${size})`);
  const code = stripStrings(body);
  if (/\bfor \(let i = 0; i < len\d+;/.test(code)) return { reason: 'a list lift of an unknown shape' };
  if (/\.decode\(|\bmemory\d*\.buffer\.slice\(/.test(code)) return { reason: 'a string or array lift of an unknown shape' };
  body = `\n    if (_jcoBudget !== null) _jcoBudget.begin(); // glue-transform: lift-budget${body}`;
  return { source: source.slice(0, bodyStart) + body + source.slice(bodyEnd) };
}

// ---------------------------------------------------------------------------------------------
// 4. sync-import-fast-path
//
// For each host import, jco generates a trampoline `_trampolineN` (lift params, call the host,
// lower the result) and wires it up as
//
//     let trampolineN = _trampolineN.manuallyAsync
//       ? new WebAssembly.Suspending(_suspendingImport(0, _lowerImportBackwardsCompat.bind(null, {...})))
//       : _lowerImportBackwardsCompat.bind(null, {...});
//
// `_lowerImportBackwardsCompat` checks may-leave, creates a subtask (with a waitable in the
// component's handle table) under the current export task and, for a sync call, returns the
// subtask's result. Inside the trampoline, a host task is created as that subtask's child, made
// current around the host call, resolved (which returns and removes the subtask) and exited.
// For a synchronous host import called synchronously, all of this is created and torn down
// within the call and nothing else can observe it, provided the component uses no async ABI at
// all (no waitables, streams, futures, subtasks or async lowering that could see handle numbers
// or task state). The rewrite then calls the trampoline directly and keeps what matters:
//
//   - the may-leave check (`_checkMayLeave`), first, as before;
//   - `_trackHostOperation` around the host call (a promise returned by the host is tracked);
//   - on a thrown error: `getOrCreateAsyncState(i).markTrapped(err)` and rethrow;
//   - the value returned to wasm, which was the value the host task resolved with.
//
// Conditions, all checked on the generated code (otherwise the import keeps the slow path):
//   component: every core-wasm trampoline is either such a lowered import or a resource
//              destructor (`function trampolineN(handle)`); anything else (async builtins,
//              `_lowerImport` async lowering, ...) disables the rewrite for the component;
//   wiring:    `isAsync: false`, `funcTypeIsAsync: false`, `importFn: _trampolineN`, and
//              `_trampolineN.manuallyAsync` is never assigned (no JSPI import);
//   body:      the bookkeeping matches the exact generated shape; the rest of the body (the
//              lifting and lowering) uses no resources, streams, futures, tasks or awaits.
//
// One difference: a scalar result is converted once instead of twice (`return toUint32(ret)`
// rather than `task.resolve([toUint32(ret)]); ... return toUint32(ret);`). The value wasm sees
// is the same; only a host result object with a side-effecting valueOf() could tell.

const LOWERED_IMPORT_DEF = /let (trampoline(\d+)) = _trampoline\2\.manuallyAsync \? new WebAssembly\.Suspending\(_suspendingImport\(\d+, _lowerImportBackwardsCompat\.bind\(/g;

// Creating, entering and registering the host task (removed as a whole).
const HOST_TASK = new RegExp(
  [
    String.raw`const hostProvided = true;\s*let parentTask;\s*let task;\s*let subtask;\s*`,
    String.raw`const createTask = \(\) => \{\s*const results = createNewCurrentTask\(\{\s*componentIdx: -1,\s*isAsync: false,\s*entryFnName: [^\n]*\n\s*getCallbackFn: \(\) => null,\s*callbackFnName: null,\s*errHandling: '[\w-]+',\s*callingWasmExport: false,\s*\}\);\s*task = results\[0\];\s*\};\s*`,
    String.raw`taskCreation: \{\s*parentTask = getCurrentTask\(\s*\d+,\s*_getGlobalCurrentTaskMeta\(\d+\)\?\.taskID,\s*\)\?\.task;\s*if \(!parentTask\) \{\s*createTask\(\);\s*break taskCreation;\s*\}\s*createTask\(\);\s*if \(hostProvided\) \{\s*subtask = parentTask\.getLatestSubtask\(\);\s*if \(!subtask\) \{\s*throw new Error\(\x60Missing subtask[^\n]*\n\s*\}\s*task\.setParentSubtask\(subtask\);\s*\}\s*\}\s*`,
    String.raw`const started = task\.enterSync\(\);\s*`,
  ].join(''),
);

// Making the host task current around the host call: `_withGlobalCurrentTaskMeta({ ..., fn: () => CALL, })`,
// where CALL is `_trackHostOperation(() => host(...))` (kept).
const WITH_TASK = /_withGlobalCurrentTaskMeta\(\{\s*componentIdx: task\.componentIdx\(\),\s*taskID: task\.id\(\),\s*fn: \(\) => (?=_trackHostOperation\(\(\) => )/g;
const WITH_TASK_END = /^,\s*\}\)\s*;/;

// Shape of the catch for imports without a `result` type: besides marking the instance trapped
// (kept), it rejects and exits the host task (dropped).
const CATCH_REJECT = /\} catch \(err\) \{\s*_debugLog\('\[Instruction::CallInterface\] error during sync call', \{\s*taskID: task\.id\(\),\s*subtaskID: task\.getParentSubtask\(\)\?\.id\(\),\s*err,\s*\}\);\s*getOrCreateAsyncState\((\d+)\)\.markTrapped\(err\);\s*task\.setErrored\(err\);\s*task\.reject\(err\);\s*task\.exit\(\);\s*throw err;\s*\}/g;

// Resolving and exiting the host task at the end; wasm received the resolved value.
const TAIL = /task\.resolve\(\[([^\n]*)\]\);\s*task\.exit\(\);\s*(?:return ([^\n]*);\s*)?$/;

// Code (outside string literals) showing that the import handles more than plain data, or that
// task state is still used after the rewrite.
const NOT_PLAIN = /\b(?:task|subtask|parentTask|curResourceBorrows|handleTable\d*|captureTable\d*|rscTable\w*|symbolRsc\w*|symbolDispose|\w*Resource\w*|\w*[Ff]uture\w*|\w*[Ss]tream\w*|\w*[Ww]aitable\w*|\w*[Ss]ubtask\w*|\w*ErrorContext\w*|await|Promise|yield)\b|\basync\s*(?:\(|function\b|\w+\s*=>)/;

function syncImportFastPath(source: string): RewriteResult {
  const name = 'sync-import-fast-path';
  const skip = (reason: string): RewriteResult => ({ name, source, applied: false, skipped: [`${name}: ${reason}`] });

  if (!/function _checkMayLeave\(componentIdx\)/.test(source) || !/function _trackHostOperation\(operation\)/.test(source)) {
    return skip('_checkMayLeave/_trackHostOperation helpers not found');
  }

  // Component gate: know every trampoline.
  const lowered = new Set<string>();
  for (const m of source.matchAll(LOWERED_IMPORT_DEF)) lowered.add(m[1]!);
  if (lowered.size === 0) return skip('no lowered imports of the known shape');
  for (const m of source.matchAll(/\b(?:let|const|var|function)\s+(trampoline\d+)\b/g)) {
    const id = m[1]!;
    if (lowered.has(id)) continue;
    if (new RegExp(String.raw`function ${id}\(handle\) \{\s*const handleEntry = rscTableRemove\(`).test(source)) continue;
    return skip(`${id} is not a plain lowered import or resource destructor (async ABI?)`);
  }

  const skipped: string[] = [];
  let count = 0;
  for (const id of lowered) {
    const n = id.slice('trampoline'.length);
    const result = rewriteImport(source, n);
    if ('reason' in result) {
      skipped.push(`${name}: ${importLabel(source, n)}: ${result.reason}`);
    } else {
      source = result.source;
      count++;
    }
  }
  return { name, source, applied: count > 0, skipped };
}

function importLabel(source: string, n: string): string {
  const m = new RegExp(String.raw`_trampoline${n}\.fnName = '([^']*)';`).exec(source);
  return m ? m[1]! : `_trampoline${n}`;
}

/** Puts import N on the fast path, or says why not. */
function rewriteImport(source: string, n: string): { source: string } | { reason: string } {
  const no = (reason: string) => ({ reason });
  // The wiring statement: `let trampolineN = _trampolineN.manuallyAsync ? ASYNC : SYNC;`
  const wiringStart = source.indexOf(`let trampoline${n} = _trampoline${n}.manuallyAsync ? `);
  const asyncEnd = scanCall(source, source.indexOf('new WebAssembly.Suspending(', wiringStart));
  if (asyncEnd < 0 || !source.startsWith(' : _lowerImportBackwardsCompat.bind(', asyncEnd)) return no('unexpected wiring');
  const syncStart = asyncEnd + ' : '.length;
  const syncEnd = scanCall(source, syncStart);
  if (syncEnd < 0 || source[syncEnd] !== ';') return no('unexpected wiring');
  const meta = source.slice(syncStart, syncEnd);
  const componentIdx = /\bcomponentIdx: (\d+),/.exec(meta)?.[1];
  if (componentIdx === undefined) return no('no component index');
  if (!/\bisAsync: false,/.test(meta) || !/\bfuncTypeIsAsync: false,/.test(meta)) return no('async function or lowering');
  if (!new RegExp(String.raw`\bimportFn: _trampoline${n},`).test(meta)) return no('wiring does not call its trampoline');
  if (new RegExp(String.raw`_trampoline${n}\.manuallyAsync\s*=`).test(source)) return no('JSPI (manually async) import');

  // The trampoline: `const _trampolineN = function(args) { BODY\n  }\n  _trampolineN.fnName = ...`
  const head = new RegExp(String.raw`const _trampoline${n} = function\([^)]*\) \{`).exec(source);
  if (!head) return no('trampoline not found');
  const bodyStart = head.index + head[0].length;
  const end = new RegExp(String.raw`\n[ \t]*\}\n[ \t]*_trampoline${n}\.fnName = `).exec(source.slice(bodyStart));
  if (!end) return no('trampoline not found');
  const bodyEnd = bodyStart + end.index;
  if (wiringStart < bodyEnd) return no('wiring precedes its trampoline');
  let body = source.slice(bodyStart, bodyEnd);

  const hostTask = HOST_TASK.exec(body);
  if (!hostTask) return no('host task setup not of the known shape');
  body = body.slice(0, hostTask.index) + body.slice(hostTask.index + hostTask[0].length);

  const withTask = [...body.matchAll(WITH_TASK)];
  if (withTask.length !== 1) return no('host call not of the known shape');
  const callStart = withTask[0]!.index! + withTask[0]![0].length;
  const callEnd = scanCall(body, callStart);
  const closing = callEnd < 0 ? null : WITH_TASK_END.exec(body.slice(callEnd));
  if (!closing) return no('host call not of the known shape');
  body = body.slice(0, withTask[0]!.index!) + body.slice(callStart, callEnd) + ';' + body.slice(callEnd + closing[0].length);

  body = body.replace(CATCH_REJECT, (_all, idx: string) => `} catch (err) {\n      getOrCreateAsyncState(${idx}).markTrapped(err);\n      throw err;\n    }`);

  const tail = TAIL.exec(body);
  if (!tail) return no('result handling not of the known shape');
  const [, resolved, returned] = tail;
  if (returned !== undefined && returned !== resolved) return no('returns something other than its result');
  // Any other exit would have skipped resolving the host task (an error in the generated code).
  if (/\breturn\b/.test(stripStrings(body.slice(0, tail.index)))) return no('returns early');
  body = body.slice(0, tail.index) + `return ${resolved};`;

  if (NOT_PLAIN.test(stripStrings(body))) return no('not plain data (resources, streams, futures or task state)');

  const check = `\n    _checkMayLeave(${componentIdx}); // glue-transform: sync-import-fast-path`;
  const wiring = `let trampoline${n} = _trampoline${n}; // glue-transform: sync-import-fast-path`;
  return { source: source.slice(0, bodyStart) + check + body + source.slice(bodyEnd, wiringStart) + wiring + source.slice(syncEnd + 1) };
}

/**
 * Given the index of a call expression `callee(...)`, returns the index just after its closing
 * parenthesis, skipping string literals, or -1.
 */
function scanCall(source: string, from: number): number {
  if (from < 0) return -1;
  let i = source.indexOf('(', from);
  if (i < 0) return -1;
  let depth = 0;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(source, i);
      if (i < 0) return -1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return c === ')' ? i + 1 : -1;
    }
  }
  return -1;
}

/** Index of the closing quote of the string literal opening at `i` (template `${}` not nested). */
function skipString(source: string, i: number): number {
  const quote = source[i];
  for (i++; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}

/** The code with the contents of string literals removed (for token checks). */
function stripStrings(code: string): string {
  return code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}
