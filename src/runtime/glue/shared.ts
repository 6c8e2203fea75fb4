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
 * What a reader rewrite (span-reader, log-reader) needs of a trampoline on the fast path: the host
 * function it calls (which carries the reader under a symbol), the memory it reads, and the
 * fast-path check the reader's call goes after.
 */
export function readerSite(body: string): { callee: string; memory: string; check: RegExpExecArray } | undefined {
  const callee = /_trackHostOperation\(\(\) => (\w+)\(/.exec(body)?.[1];
  const memory = /\b(memory\d+)\b/.exec(body)?.[1];
  const check = FAST_PATH_CHECK.exec(body);
  return callee === undefined || memory === undefined || check === null ? undefined : { callee, memory, check };
}
