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
