import type { RewriteResult } from './shared.js';

// 7. split-lift
//
// jco lifts an import's arguments in one function, the trampoline. For `wasi:otel/metrics.export`
// that function is ~120 KB of source (every metric-data variant: 3 number types x 4 kinds, each
// with its points, exemplars and attributes inline; ~230 KB for the typed-value drafts), past
// the size V8 will optimize: it runs in the interpreter on every batch. The rewrite moves the
// large case bodies of its variant switches
//
//     let variant211;
//     switch (dataView(memory0).getUint8(base + 24, true)) {
//       case 0: {
//         ...lift of one variant, ends with `variant211 = {...};`...
//         break;
//       }
//
// into functions of their own, defined right before the trampoline (the same scope, so they see
// the same glue helpers), called as `variant211 = _jcoSplit3_211_0(base);`. Each is small enough
// to be optimized, and only the variants a guest sends get hot. The moved code is the same code:
// what it reads, builds, charges against the lift budget and throws is unchanged.
//
// A case is moved only when that is a plain move: the trampoline's locals it reads (loop bases,
// arguments) are passed by value and never assigned in it, the switch's variable is the only one
// it assigns, and it has no `return`, `this`, `arguments`, `await`, `yield`, labels, nested
// functions, or `break` / `continue` leaving it. Anything else keeps the generated code.

/** Trampolines shorter than this (characters of source) are left as they are. */
const SPLIT_TRAMPOLINE_MIN = 40_000;
/** Case bodies shorter than this stay inline. */
const SPLIT_CASE_MIN = 1_000;

const IDENT = /[A-Za-z_$][\w$]*/y;
const KEYWORDS = new Set([
  'break', 'case', 'catch', 'const', 'continue', 'default', 'do', 'else', 'false', 'finally', 'for', 'if', 'in', 'instanceof', 'let',
  'new', 'null', 'of', 'switch', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while',
]);
const UNSAFE = new Set(['return', 'this', 'arguments', 'await', 'yield', 'function', 'class', 'eval', 'with', 'goto', 'import', 'super', 'debugger']);

export function splitLift(source: string): RewriteResult {
  const name = 'split-lift';
  if (source.includes('// glue-transform: split-lift')) return { name, source, applied: false, skipped: [`${name}: already applied`] };
  const skipped: string[] = [];
  let rewritten = source;
  let count = 0;
  const trampolines = [...source.matchAll(/_trampoline(\d+)\.fnName = '([^']*)';/g)];
  if (trampolines.length === 0) return { name, source, applied: false, skipped: [`${name}: no import trampolines found`] };
  for (const m of trampolines) {
    const [, n, fnName] = m;
    const result = splitTrampoline(rewritten, n!);
    if (result === undefined) continue;
    if ('reason' in result) skipped.push(`${name}: ${fnName}: ${result.reason}`);
    else {
      rewritten = result.source;
      count++;
    }
  }
  return { name, source: count > 0 ? rewritten : source, applied: count > 0, skipped };
}

/** Splits trampoline N; undefined when it is small (nothing to do). */
function splitTrampoline(source: string, n: string): { source: string } | { reason: string } | undefined {
  const head = new RegExp(String.raw`\n([ \t]*)const _trampoline${n} = function\(([^)]*)\) \{`).exec(source);
  if (!head) return { reason: 'trampoline not found' };
  const indent = head[1]!;
  const bodyStart = head.index + head[0].length;
  const end = new RegExp(String.raw`\n[ \t]*\}\n[ \t]*_trampoline${n}\.fnName = `).exec(source.slice(bodyStart));
  if (!end) return { reason: 'trampoline not found' };
  const bodyEnd = bodyStart + end.index;
  let body = source.slice(bodyStart, bodyEnd);
  if (body.length < SPLIT_TRAMPOLINE_MIN) return undefined;
  const code = codeOnly(body);
  if (code === undefined) return { reason: 'code the rewrite cannot read' };
  if (/(?:var|let|const)\s*[[{]/.test(code)) return { reason: 'a destructuring declaration' };
  const params = head[2]!.split(',').map((p) => p.trim()).filter(Boolean);
  const helpers: string[] = [];
  let moved = 0;
  // Outermost switches first; a case moved takes its nested switches with it.
  const SWITCH = /let (variant\d+);\n[ \t]*switch \([^\n]*\) \{\n/g;
  for (let match = SWITCH.exec(body); match !== null; match = SWITCH.exec(body)) {
    const variant = match[1]!;
    const open = match.index + match[0].length - 2;
    const switchEnd = matchBrace(body, open);
    if (switchEnd < 0) return { reason: 'unbalanced braces' };
    const before = codeOnly(body.slice(0, match.index));
    // Only switches in the trampoline's own function body (not inside an arrow or function).
    if (before === undefined || /=>|\bfunction\b/.test(before)) {
      SWITCH.lastIndex = switchEnd;
      continue;
    }
    let inner = body.slice(open + 1, switchEnd);
    const CASE = /\n([ \t]*)case (\d+): \{/g;
    let replaced = '';
    let last = 0;
    for (let c = CASE.exec(inner); c !== null; c = CASE.exec(inner)) {
      const caseOpen = c.index + c[0].length - 1;
      const caseClose = matchBrace(inner, caseOpen);
      if (caseClose < 0) return { reason: 'unbalanced braces' };
      CASE.lastIndex = caseClose;
      const caseBody = inner.slice(caseOpen + 1, caseClose);
      if (caseBody.length < SPLIT_CASE_MIN) continue;
      const plan = planMove(caseBody, variant, body, open, switchEnd, params);
      if (plan === undefined) continue;
      const fn = `_jcoSplit${n}_${variant.slice('variant'.length)}_${c[2]}`;
      helpers.push(
        `${indent}const ${fn} = function(${plan.args.join(', ')}) { // glue-transform: split-lift\n${indent}  let ${variant};${plan.body}\n${indent}  return ${variant};\n${indent}};\n`,
      );
      replaced += inner.slice(last, caseOpen + 1) + `\n${c[1]}  ${variant} = ${fn}(${plan.args.join(', ')});\n${c[1]}  break;\n${c[1]}`;
      last = caseClose;
      moved++;
    }
    if (last > 0) {
      inner = replaced + inner.slice(last);
      body = body.slice(0, open + 1) + inner + body.slice(switchEnd);
      SWITCH.lastIndex = open + 1 + inner.length;
    } else {
      SWITCH.lastIndex = switchEnd;
    }
  }
  if (moved === 0) return { reason: 'no variant case it can move' };
  const at = head.index + 1;
  return { source: source.slice(0, at) + helpers.join('') + source.slice(at, bodyStart) + body + source.slice(bodyEnd) };
}

interface MovePlan {
  /** The trampoline's locals the case reads, passed in. */
  args: string[];
  /** The case body without its closing `break;`. */
  body: string;
}

/** How to move one case body into a function, or undefined when it is not a plain move. */
function planMove(caseBody: string, variant: string, trampoline: string, switchOpen: number, switchEnd: number, params: string[]): MovePlan | undefined {
  const tail = /\n[ \t]*break;\s*$/.exec(caseBody);
  if (!tail) return undefined;
  const body = caseBody.slice(0, tail.index);
  const code = codeOnly(body);
  if (code === undefined) return undefined;
  const outside = codeOnly(trampoline.slice(0, switchOpen) + trampoline.slice(switchEnd));
  if (outside === undefined) return undefined;
  const outerLocals = new Set([...params, ...declared(outside)]);
  const refs = freeReferences(code);
  if (refs === undefined) return undefined;
  const args: string[] = [];
  for (const id of refs.read) {
    if (UNSAFE.has(id)) return undefined;
    if (!outerLocals.has(id) || id === variant) continue;
    if (refs.assigned.has(id)) return undefined;
    args.push(id);
  }
  for (const id of refs.assigned) if (id !== variant && !refs.read.has(id)) return undefined;
  // A var of the case's own that the trampoline also has would change meaning once moved.
  for (const id of refs.vars) if (outerLocals.has(id)) return undefined;
  if (!breaksStayInside(code)) return undefined;
  return { args: args.sort(), body };
}

/** Names declared with var / let / const / catch. */
function declared(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)|\bcatch\s*\(\s*([A-Za-z_$][\w$]*)/g)) names.add((m[1] ?? m[2])!);
  return names;
}

interface FreeReferences {
  /** Identifiers used (read or written) that the code does not declare itself. */
  read: Set<string>;
  /** Those of them it assigns. */
  assigned: Set<string>;
  /** Names it declares with var (function-scoped). */
  vars: Set<string>;
}

/**
 * The identifiers the code uses without declaring them (block scopes followed: `let i` in a
 * for loop, `const base` in a loop body), not counting property names and object-literal keys.
 * Undefined for what this reading does not cover (labels).
 */
function freeReferences(code: string): FreeReferences | undefined {
  const read = new Set<string>();
  const assigned = new Set<string>();
  const vars = new Set<string>();
  const scopes: Set<string>[] = [new Set()];
  // Per open bracket: '(' / '[' / '{', and for a for-header '(' the scope it opened.
  const brackets: { ch: string; forHeader: boolean }[] = [];
  let forScopes = 0; // for-header scopes waiting for their loop body to close
  const forBodies: number[] = []; // bracket depth of loop bodies whose for scope must close with them
  let afterFor = false;
  let declaring: { kind: string; depth: number } | undefined;
  let expectName = false;
  const isLocal = (id: string): boolean => scopes.some((scope) => scope.has(id));
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (/\s/.test(ch)) continue;
    if (/\d/.test(ch)) {
      while (i + 1 < code.length && /[\w.]/.test(code[i + 1]!)) i++;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      const forHeader = ch === '(' && afterFor;
      afterFor = false;
      brackets.push({ ch, forHeader });
      if (forHeader) {
        scopes.push(new Set());
        forScopes++;
      } else if (ch === '{') {
        scopes.push(new Set());
        if (forScopes > 0 && forBodies.length < forScopes) forBodies.push(brackets.length);
      }
      continue;
    }
    if (ch === ')' || ch === ']' || ch === '}') {
      const open = brackets.pop();
      if (open === undefined) return undefined;
      if (declaring && brackets.length < declaring.depth) declaring = undefined;
      if (ch === '}') {
        scopes.pop();
        if (forBodies.at(-1) === brackets.length + 1) {
          forBodies.pop();
          scopes.pop();
          forScopes--;
        }
      }
      continue;
    }
    if (ch === ';') {
      if (declaring && brackets.length === declaring.depth) declaring = undefined;
      continue;
    }
    if (ch === ',') {
      if (declaring && brackets.length === declaring.depth) expectName = true;
      continue;
    }
    if (!/[A-Za-z_$]/.test(ch)) continue;
    IDENT.lastIndex = i;
    const id = IDENT.exec(code)![0];
    const start = i;
    i += id.length - 1;
    if (start > 0 && code[start - 1] === '.') continue;
    const rest = code.slice(i + 1, i + 8);
    const next = /^\s*(\S)/.exec(rest)?.[1];
    const prev = /(\S)\s*$/.exec(code.slice(Math.max(0, start - 40), start))?.[1];
    if (next === ':' && id !== 'default' && !expectName) {
      if (prev === '{' || prev === ',') continue; // an object-literal key
      if (prev !== '?') return undefined; // a label, or code this reading does not cover
    }
    if (id === 'for') {
      afterFor = true;
      continue;
    }
    if (id === 'var' || id === 'let' || id === 'const') {
      declaring = { kind: id, depth: brackets.length };
      expectName = true;
      continue;
    }
    if (id === 'catch') return undefined;
    if ((id === 'break' || id === 'continue') && /^[ \t]*[A-Za-z_$]/.test(code.slice(i + 1))) return undefined;
    if (KEYWORDS.has(id)) continue;
    if (expectName && declaring) {
      expectName = false;
      if (declaring.kind === 'var') {
        vars.add(id);
        scopes[0]!.add(id);
      } else scopes.at(-1)!.add(id);
      continue;
    }
    if (isLocal(id)) continue;
    read.add(id);
    if (/^\s*(?:(?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?![=>])|\+\+|--)/.test(code.slice(i + 1, i + 8)) || /(?:\+\+|--)\s*$/.test(code.slice(Math.max(0, start - 4), start))) {
      assigned.add(id);
    }
  }
  return { read, assigned, vars };
}

/** True when every break / continue in the code is inside a loop or switch of the code itself. */
function breaksStayInside(code: string): boolean {
  const stack: boolean[] = []; // per open brace: does it open a loop or switch body?
  let pendingLoop = false;
  const tokens = /\b(for|while|do|switch|break|continue)\b|[{}]/g;
  for (const m of code.matchAll(tokens)) {
    const t = m[0];
    if (t === 'for' || t === 'while' || t === 'do' || t === 'switch') pendingLoop = true;
    else if (t === '{') {
      stack.push(pendingLoop);
      pendingLoop = false;
    } else if (t === '}') stack.pop();
    else if (!stack.includes(true)) return false;
  }
  return true;
}

/** Index of the brace closing the one at `open` in code (string literals skipped), or -1. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      i = endOfString(text, i);
      if (i < 0) return -1;
    } else if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) return -1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the quote closing the string or template literal opening at `i`, or -1. */
function endOfString(text: string, i: number): number {
  const quote = text[i];
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (quote === '`' && text[i] === '$' && text[i + 1] === '{') {
      const close = matchBrace(text, i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

/**
 * The code without string contents and comments; template literals keep their `${...}` parts
 * (they are code). Undefined for what this reading does not cover (a regular expression literal).
 */
function codeOnly(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = endOfString(text, i);
      if (close < 0) return undefined;
      out += "''";
      i = close;
    } else if (c === '`') {
      const close = endOfString(text, i);
      if (close < 0) return undefined;
      const parts: string[] = [];
      for (const m of text.slice(i, close).matchAll(/\$\{/g)) {
        const from = i + m.index + 1;
        const to = matchBrace(text, from);
        parts.push(`(${codeOnly(text.slice(from + 1, to)) ?? ''})`);
      }
      out += parts.length > 0 ? ` ${parts.join(' + ')} ` : "''";
      i = close;
    } else if (c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (c === '/' && /[(,=:[!&|?{};]\s*$/.test(out.slice(-20))) {
      return undefined; // a regular expression literal
    } else out += c;
  }
  return out;
}
