import { scanCall, stripStrings, type RewriteResult } from './shared.js';

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
//              lifting and lowering) uses no streams, futures, tasks or awaits. Resource
//              handles of imported resources (a `wasi:observe` span: the method's borrowed
//              `self`, the `own` result of `start`) are allowed: the glue finds them in the
//              instance's handle table and capture table and tracks borrows in
//              `curResourceBorrows`, all synchronously and without task state (a subtask's
//              waitable lives in another table, so handle numbers come out the same).
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
// The handle-table bookkeeping of imported resources (allowed; see above).
const RESOURCE_BOOKKEEPING = /\b(?:curResourceBorrows|handleTable\d+|captureTable\d+|captureCnt\d+|rscTableCreateOwn|symbolRscHandle|symbolRscRep)\b/g;

const NOT_PLAIN = /\b(?:task|subtask|parentTask|curResourceBorrows|handleTable\d*|captureTable\d*|rscTable\w*|symbolRsc\w*|symbolDispose|\w*Resource\w*|\w*[Ff]uture\w*|\w*[Ss]tream\w*|\w*[Ww]aitable\w*|\w*[Ss]ubtask\w*|\w*ErrorContext\w*|await|Promise|yield)\b|\basync\s*(?:\(|function\b|\w+\s*=>)/;

export function syncImportFastPath(source: string): RewriteResult {
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

  if (NOT_PLAIN.test(stripStrings(body).replace(RESOURCE_BOOKKEEPING, ''))) return no('not plain data (streams, futures, task state or exported resources)');

  const check = `\n    _checkMayLeave(${componentIdx}); // glue-transform: sync-import-fast-path`;
  const wiring = `let trampoline${n} = _trampoline${n}; // glue-transform: sync-import-fast-path`;
  return { source: source.slice(0, bodyStart) + check + body + source.slice(bodyEnd, wiringStart) + wiring + source.slice(syncEnd + 1) };
}
