/**
 * A reader for the WebAssembly text format as wasm-tools prints it: nested lists of atoms and
 * strings. Index comments `(;N;)` are kept (they name the index of the item they follow);
 * other comments are dropped.
 */

export type SExpr = Atom | Str | Index | SList;
export interface Atom { kind: 'atom'; value: string }
export interface Str { kind: 'string'; value: string }
export interface Index { kind: 'index'; value: number }
export interface SList { kind: 'list'; items: SExpr[] }

export function parseSExpr(text: string): SList {
  const root: SList = { kind: 'list', items: [] };
  const stack: SList[] = [root];
  let at = 0;
  while (at < text.length) {
    const ch = text[at]!;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      at++;
    } else if (text.startsWith(';;', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('(;', at)) {
      const end = blockCommentEnd(text, at);
      const index = /^\(;(\d+);\)$/.exec(text.slice(at, end));
      if (index) stack[stack.length - 1]!.items.push({ kind: 'index', value: Number(index[1]) });
      at = end;
    } else if (ch === '(') {
      const list: SList = { kind: 'list', items: [] };
      stack[stack.length - 1]!.items.push(list);
      stack.push(list);
      at++;
    } else if (ch === ')') {
      if (stack.length === 1) throw new Error(`unbalanced ")" at ${at}`);
      stack.pop();
      at++;
    } else if (ch === '"') {
      const { value, next } = readString(text, at);
      stack[stack.length - 1]!.items.push({ kind: 'string', value });
      at = next;
    } else if (text.startsWith('$"', at)) {
      const { value, next } = readString(text, at + 1);
      stack[stack.length - 1]!.items.push({ kind: 'atom', value: `$${value}` });
      at = next;
    } else {
      let end = at;
      while (end < text.length && !' \n\t\r()"'.includes(text[end]!)) end++;
      stack[stack.length - 1]!.items.push({ kind: 'atom', value: text.slice(at, end) });
      at = end;
    }
  }
  if (stack.length !== 1) throw new Error('unbalanced "("');
  return root;
}

function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < text.length) {
    if (text.startsWith('(;', at)) {
      depth++;
      at += 2;
    } else if (text.startsWith(';)', at)) {
      depth--;
      at += 2;
      if (depth === 0) return at;
    } else {
      at++;
    }
  }
  throw new Error('unterminated block comment');
}

function readString(text: string, start: number): { value: string; next: number } {
  const bytes: number[] = [];
  let at = start + 1;
  while (at < text.length && text[at] !== '"') {
    if (text[at] !== '\\') {
      const code = text.codePointAt(at)!;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      at += code > 0xffff ? 2 : 1;
      continue;
    }
    const next = text[at + 1]!;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "'": 39, '\\': 92 };
    if (next in simple) {
      bytes.push(simple[next]!);
      at += 2;
    } else if (next === 'u') {
      const end = text.indexOf('}', at);
      bytes.push(...Buffer.from(String.fromCodePoint(parseInt(text.slice(at + 3, end), 16)), 'utf8'));
      at = end + 1;
    } else {
      bytes.push(parseInt(text.slice(at + 1, at + 3), 16));
      at += 3;
    }
  }
  if (at >= text.length) throw new Error('unterminated string');
  return { value: Buffer.from(bytes).toString('utf8'), next: at + 1 };
}
