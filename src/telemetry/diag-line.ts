import { writeSync } from 'node:fs';
import type { DiagLogger } from '@opentelemetry/api';

/** Longest diagnostic line written; the rest is cut (messages can quote guest data). */
const MAX_LINE = 1000;

/**
 * One diagnostic as one line that starts with `wasm-otel:`. The OTel SDK passes errors, JSON
 * text of errors (its global error handler stringifies them) and whole request objects as
 * arguments: errors become their message (and code), JSON errors their message, objects a short
 * description, so no stack or JSON dump ever reaches the user.
 */
export function diagLine(message: unknown, args: readonly unknown[]): string {
  const parts = [describe(message, true), ...args.map((arg) => describe(arg, false))].filter((part) => part !== '');
  let line = parts.join(' ').replace(/\s+/g, ' ').trim();
  if (!line.startsWith('wasm-otel:')) line = `wasm-otel: ${line}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 3)}...` : line;
}

function describe(value: unknown, first: boolean): string {
  if (typeof value === 'string') return first || value.length < 200 ? fromJsonError(value) : `${value.slice(0, 197)}...`;
  if (value instanceof Error) return errorText(value);
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `(${value.length} items)`;
  if (typeof value === 'object') {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    return '';
  }
  return '';
}

/** The SDK's error handler logs `{"stack":...,"message":...}`: keep the message. */
function fromJsonError(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return firstLine(text);
  try {
    const parsed = JSON.parse(trimmed) as { message?: unknown; name?: unknown; code?: unknown };
    if (typeof parsed.message === 'string') {
      const code = typeof parsed.code === 'string' || typeof parsed.code === 'number' ? ` (${parsed.code})` : '';
      return `${firstLine(parsed.message)}${code}`;
    }
    return '(details omitted)';
  } catch {
    return firstLine(text);
  }
}

function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const message = firstLine(error.message || error.name);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/**
 * OTel diagnostics as single `wasm-otel:` lines on stderr (every level; stdout stays the
 * guest's). Written synchronously, so lines from any thread keep their order and none is lost
 * when the process exits.
 */
export class OneLineDiagLogger implements DiagLogger {
  /** `keep`: which messages are written (default: all). */
  constructor(
    private readonly write: (line: string) => void = writeStderrLine,
    private readonly keep: (message: string) => boolean = () => true,
  ) {}

  error = (message: string, ...args: unknown[]): void => this.emit(message, args);
  warn = (message: string, ...args: unknown[]): void => this.emit(message, args);
  info = (message: string, ...args: unknown[]): void => this.emit(message, args);
  debug = (message: string, ...args: unknown[]): void => this.emit(message, args);
  verbose = (message: string, ...args: unknown[]): void => this.emit(message, args);

  private emit(message: string, args: unknown[]): void {
    try {
      if (!this.keep(message)) return;
      this.write(diagLine(message, args));
    } catch {
      // diagnostics must never break the host
    }
  }
}

/** Writes one line to stderr synchronously (retrying short writes of a pipe). */
export function writeStderrLine(line: string): void {
  writeStderr(`${shortenLongWords(line)}\n`);
}

/** A word (a run without spaces) longer than this in a one-line message is cut. */
const LONG_WORD = 300;
/** How much of a cut word is kept. */
const KEPT_OF_LONG_WORD = 120;

/**
 * A message line with every word longer than LONG_WORD characters cut to its first
 * KEPT_OF_LONG_WORD and its length (`aaaa...(100,000 chars)`): a 100 KB flag value or path
 * echoed in an error stays one readable line.
 */
export function shortenLongWords(line: string): string {
  if (line.length <= LONG_WORD) return line;
  return line.replace(new RegExp(`[^\\s]{${LONG_WORD + 1},}`, 'g'), (word) => `${word.slice(0, KEPT_OF_LONG_WORD)}...(${word.length.toLocaleString('en-US')} chars)`);
}

export function writeStderr(text: string): void {
  writeAll(2, Buffer.from(text, 'utf8'));
}

/** Something to wait on (never notified): a 1 ms pause between retries of a full non-blocking pipe. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to a file descriptor, synchronously (a pipe may take it in parts). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 1); // the reader has not caught up: wait for it instead of spinning
    }
  }
}
