/** What one rewrite did with the glue. */
export interface RewriteResult {
  name: string;
  source: string;
  applied: boolean;
  skipped: string[];
}

/** Marks the end of the helpers the memory-views rewrite inserts (the next rewrites add theirs after it). */
export const MEMORY_VIEWS_END = '// glue-transform (memory-views) end';
/** Marks the end of the helpers the ascii-strings rewrite inserts. */
export const ASCII_STRINGS_END = '// glue-transform (ascii-strings) end';

/**
 * Given the index of a call expression `callee(...)`, returns the index just after its closing
 * parenthesis, skipping string literals, or -1.
 */
export function scanCall(source: string, from: number): number {
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
export function skipString(source: string, i: number): number {
  const quote = source[i];
  for (i++; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}

/** The code with the contents of string literals removed (for token checks). */
export function stripStrings(code: string): string {
  return code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

/** A generated trampoline `const _trampolineN = function(params) {` ... up to its `_trampolineN.fnName =` line. */
export interface Trampoline {
  /** The head's match: [1] its indentation, [2] its parameters. */
  head: RegExpExecArray;
  /** Where its body starts in the source. */
  bodyStart: number;
  body: string;
}

export function findTrampoline(source: string, n: string, params = '[^)]*'): Trampoline | undefined {
  const head = new RegExp(String.raw`\n([ \t]*)const _trampoline${n} = function\((${params})\) \{`).exec(source);
  if (!head) return undefined;
  const bodyStart = head.index + head[0].length;
  const end = new RegExp(String.raw`\n[ \t]*\}\n[ \t]*_trampoline${n}\.fnName = `).exec(source.slice(bodyStart));
  return end ? { head, bodyStart, body: source.slice(bodyStart, bodyStart + end.index) } : undefined;
}

/** The may-leave check the sync-import fast path puts first in a trampoline ([1]: its indentation). */
const FAST_PATH_CHECK = /\n(\s*)_checkMayLeave\(\d+\); \/\/ glue-transform: sync-import-fast-path\n/;

/**
 * A trampoline a reader rewrite (span-reader, log-reader) can give a reader: found, its lift one
 * the host has a reader for (`knownLifts`: fingerprint -> the symbol the host function carries the
 * reader under), on the fast path. `callee`: the host function it calls; `memory`: the memory it
 * reads; `check`: the fast-path check the reader's call goes after; `reader`: the name of the
 * glue's constant for the reader; `definition`: that constant, to go before the trampoline.
 */
export interface ReaderTrampoline extends Trampoline {
  memory: string;
  check: RegExpExecArray;
  reader: string;
  definition: string;
}

/** The trampoline `n` (import `fnName`) as a ReaderTrampoline for rewrite `rewrite`; else undefined, with the reason pushed to `skipped`. */
export function readerTrampoline(
  source: string,
  target: { rewrite: string; n: string; fnName: string; params?: string },
  fingerprintOf: (body: string) => string,
  knownLifts: Readonly<Record<string, string>>,
  skipped: string[],
): ReaderTrampoline | undefined {
  const { rewrite, n, fnName } = target;
  const trampoline = findTrampoline(source, n, target.params);
  if (!trampoline) {
    skipped.push(`${rewrite}: ${fnName}: trampoline not found`);
    return undefined;
  }
  const fingerprint = fingerprintOf(trampoline.body);
  const symbol = knownLifts[fingerprint];
  const callee = /_trackHostOperation\(\(\) => (\w+)\(/.exec(trampoline.body)?.[1];
  const memory = /\b(memory\d+)\b/.exec(trampoline.body)?.[1];
  const check = FAST_PATH_CHECK.exec(trampoline.body);
  if (symbol === undefined || callee === undefined || memory === undefined || check === null) {
    skipped.push(`${rewrite}: ${fnName}: not a lift this host has a reader for (${fingerprint})`);
    return undefined;
  }
  const reader = `_jcoRead${n}`;
  const definition = `\n${trampoline.head[1]}const ${reader} = typeof ${callee} === 'function' && typeof ${callee}[Symbol.for('${symbol}')] === 'function' ? ${callee}[Symbol.for('${symbol}')] : null; // glue-transform: ${rewrite}`;
  return { ...trampoline, memory, check, reader, definition };
}
