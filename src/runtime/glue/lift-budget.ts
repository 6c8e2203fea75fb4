import { ASCII_STRINGS_END, stripStrings, type RewriteResult } from './shared.js';

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

export function liftBudget(source: string): RewriteResult {
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
