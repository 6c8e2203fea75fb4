/**
 * Pieces of the messages the wasi:otel front-end reports about bad guest input. They are built
 * only when something is reported: decoding runs for every guest span.
 */

/** What a message is about: text, or a function that makes it (so the common path builds none). */
export type Subject = string | (() => string);

export function subject(what: Subject): string {
  return typeof what === 'string' ? what : what();
}

/** A guest-supplied value shown in a message: JSON-quoted, cut to 40 characters. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
