/**
 * The syntax of WAVE, the WebAssembly Value Encoding that `wasmtime run --invoke 'add(1, 2)'`
 * reads: numbers, `"strings"`, `'c'`haracters, `[lists]`, `(tuples)`, `{records: 1}` or
 * `{flags}`, and labels with an optional payload (`true`, `none`, `some(1)`, `ok`, `red`,
 * `%keyword`). Reading is in two steps: this file parses text into a syntax tree, wave-values.ts
 * reads the tree as a value of a WIT type.
 */

export type WaveNode =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'char'; value: string }
  | { kind: 'label'; name: string; payload?: WaveNode }
  | { kind: 'list'; items: WaveNode[] }
  | { kind: 'tuple'; items: WaveNode[] }
  | { kind: 'braces'; entries: { name: string; value?: WaveNode }[] };

/** A call as `--invoke` takes it: `name` or `name(arg, ...)`. */
export interface WaveCall {
  name: string;
  args: WaveNode[];
  /** False for a bare `name` (no parentheses). */
  parenthesized: boolean;
}

export class WaveSyntaxError extends Error {}

export function parseWaveCall(text: string): WaveCall {
  const reader = new Reader(text);
  reader.skipSpace();
  // Any export name: kebab-case for components, anything for core modules (`_initialize`).
  const name = reader.exportName();
  if (name === undefined) throw new WaveSyntaxError(`expected an export name${reader.where()}`);
  reader.skipSpace();
  if (reader.done()) return { name, args: [], parenthesized: false };
  if (!reader.take('(')) throw new WaveSyntaxError(`expected "(" after ${name}${reader.where()}`);
  const args = reader.sequence(')');
  reader.skipSpace();
  if (!reader.done()) throw new WaveSyntaxError(`unexpected text after the closing ")"${reader.where()}`);
  return { name, args, parenthesized: true };
}

export function parseWaveValue(text: string): WaveNode {
  const reader = new Reader(text);
  const node = reader.value();
  reader.skipSpace();
  if (!reader.done()) throw new WaveSyntaxError(`unexpected text after the value${reader.where()}`);
  return node;
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  where(): string {
    return this.done() ? ' at the end' : ` at column ${this.at + 1} ("${this.text.slice(this.at, this.at + 12)}")`;
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.at]!)) this.at++;
  }

  take(char: string): boolean {
    this.skipSpace();
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  /** The name of an export: everything up to a space or "(". */
  exportName(): string | undefined {
    const match = /^[^\s()]+/.exec(this.text.slice(this.at));
    if (!match) return undefined;
    this.at += match[0].length;
    return match[0];
  }

  /** A kebab-case label (`%` lets a keyword be a name: `%true`). */
  label(): string | undefined {
    const match = /^%?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/i.exec(this.text.slice(this.at));
    if (!match) return undefined;
    this.at += match[0].length;
    return match[1];
  }

  /** Values separated by commas (a trailing comma allowed) up to `close`. */
  sequence(close: string): WaveNode[] {
    const items: WaveNode[] = [];
    for (;;) {
      if (this.take(close)) return items;
      items.push(this.value());
      if (this.take(close)) return items;
      if (!this.take(',')) throw new WaveSyntaxError(`expected "," or "${close}"${this.where()}`);
    }
  }

  value(): WaveNode {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === undefined) throw new WaveSyntaxError('expected a value at the end');
    if (char === '"') return { kind: 'string', value: this.quoted('"') };
    if (char === "'") {
      const value = this.quoted("'");
      if ([...value].length !== 1) throw new WaveSyntaxError(`a char holds one character, not ${JSON.stringify(value)}`);
      return { kind: 'char', value };
    }
    if (char === '[') {
      this.at++;
      return { kind: 'list', items: this.sequence(']') };
    }
    if (char === '(') {
      this.at++;
      return { kind: 'tuple', items: this.sequence(')') };
    }
    if (char === '{') {
      this.at++;
      return { kind: 'braces', entries: this.entries() };
    }
    const number = /^[-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|inf|nan)(?![\w-])/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return { kind: 'number', text: number[0] };
    }
    const name = this.label();
    if (name === undefined) throw new WaveSyntaxError(`expected a value${this.where()}`);
    if (this.text[this.at] === '(') {
      this.at++;
      const payload = this.sequence(')');
      if (payload.length !== 1) throw new WaveSyntaxError(`${name}(...) takes one value, got ${payload.length}`);
      return { kind: 'label', name, payload: payload[0]! };
    }
    return { kind: 'label', name };
  }

  /** `name: value` entries (a record) or bare names (flags), up to `}`. */
  private entries(): { name: string; value?: WaveNode }[] {
    const entries: { name: string; value?: WaveNode }[] = [];
    for (;;) {
      if (this.take('}')) return entries;
      this.skipSpace();
      const name = this.label();
      if (name === undefined) throw new WaveSyntaxError(`expected a field or flag name${this.where()}`);
      entries.push(this.take(':') ? { name, value: this.value() } : { name });
      if (this.take('}')) return entries;
      if (!this.take(',')) throw new WaveSyntaxError(`expected "," or "}"${this.where()}`);
    }
  }

  private quoted(quote: string): string {
    let out = '';
    this.at++;
    while (!this.done() && this.text[this.at] !== quote) {
      const char = this.text[this.at]!;
      if (char !== '\\') {
        out += char;
        this.at++;
        continue;
      }
      const next = this.text[this.at + 1];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
      if (next !== undefined && next in simple) {
        out += simple[next];
        this.at += 2;
      } else if (next === 'u' && this.text[this.at + 2] === '{') {
        const end = this.text.indexOf('}', this.at);
        const code = Number.parseInt(this.text.slice(this.at + 3, end), 16);
        if (end < 0 || !Number.isInteger(code) || code > 0x10ffff) throw new WaveSyntaxError(`bad \\u{...} escape${this.where()}`);
        out += String.fromCodePoint(code);
        this.at = end + 1;
      } else {
        throw new WaveSyntaxError(`unknown escape \\${next ?? ''}${this.where()}`);
      }
    }
    if (this.done()) throw new WaveSyntaxError(`unterminated ${quote === '"' ? 'string' : 'char'}`);
    this.at++;
    return out;
  }
}
