import type { AttributeValue } from '@opentelemetry/api';
import { quoted } from './messages.js';
import { fitsOtlpNumber, OTLP_NUMBER_REASON } from '../engine/otlp-numbers.js';

/** How wasi:otel (draft-2025-12 and later) encodes byte arrays inside a JSON value. */
export const BYTES_PREFIX = 'data:application/octet-stream;base64,';

export type DecodedValue = { ok: true; value: AttributeValue } | { ok: false; reason: string };

/** Deepest nesting of arrays and maps accepted by default (EngineLimits.maxValueDepth). */
export const DEFAULT_MAX_DEPTH = 32;

/** True for text made only of characters a JSON number can have, starting like one. */
function looksNumeric(text: string): boolean {
  const first = text.charCodeAt(0);
  if (!((first >= 48 && first <= 57) || first === 45)) return false;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45)) return false;
  }
  return true;
}

/**
 * Decodes one `value` of the JSON-valued wasi:otel shapes (an OTel AnyValue as JSON text) into an
 * attribute value the OTel JS SDK and its OTLP exporters understand:
 * string, boolean, number, byte strings (`data:application/octet-stream;base64,...` → Uint8Array),
 * arrays, and maps (nested objects). `null` and text that is not JSON give undefined; ask
 * `decodeJsonValue` for the reason. Text longer than `maxLength` or arrays and maps nested deeper
 * than `maxDepth` are refused before parsing (deep values break serializers and recursion).
 * (This runs for every attribute, so it allocates nothing extra.)
 */
export function jsonAttributeValue(text: string, maxLength: number, maxDepth = DEFAULT_MAX_DEPTH): AttributeValue | undefined {
  if (text.length > maxLength) return undefined;
  // Fast paths for the common scalars; everything else goes through JSON.parse.
  const first = text.charCodeAt(0);
  if (first === 34 /* " */) {
    if (isPlainJsonString(text)) return fromString(text.slice(1, -1));
  } else if (text === 'true') {
    return true;
  } else if (text === 'false') {
    return false;
  } else if (looksNumeric(text)) {
    // JSON.parse below rejects what JSON does not allow (e.g. "01", "1.", "1e").
    const value = Number(text);
    const last = text.charCodeAt(text.length - 1);
    if (Number.isFinite(value) && fitsOtlpNumber(value) && last >= 48 && last <= 57 && !/^-?0\d/.test(text)) return value;
  }
  // Everything that gets here is measured first (JSON allows whitespace before an array or map).
  if (nestsDeeper(text, maxDepth)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return fromJson(parsed, maxDepth);
}

/** Like jsonAttributeValue, with the reason when the text is rejected. */
export function decodeJsonValue(text: string, maxLength: number, maxDepth = DEFAULT_MAX_DEPTH): DecodedValue {
  const value = jsonAttributeValue(text, maxLength, maxDepth);
  if (value !== undefined) return { ok: true, value };
  if (text.length > maxLength) return { ok: false, reason: `JSON value of ${text.length} characters exceeds ${maxLength}` };
  if (nestsDeeper(text, maxDepth)) return { ok: false, reason: `JSON value nested deeper than ${maxDepth} levels` };
  try {
    JSON.parse(text);
  } catch {
    return { ok: false, reason: `not JSON: ${quoted(text)}` };
  }
  const number = Number(text);
  if (Number.isFinite(number) && !fitsOtlpNumber(number)) return { ok: false, reason: `${quoted(text)} is ${OTLP_NUMBER_REASON}` };
  return { ok: false, reason: `not an attribute value: ${quoted(text)}` };
}

/** The parsed value as an attribute value; nesting past `depth` (already refused by nestsDeeper) gives undefined. */
function fromJson(value: unknown, depth: number): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return fromString(value);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && fitsOtlpNumber(value) ? value : undefined;
    case 'object': {
      if (value === null || depth <= 0) return undefined;
      if (Array.isArray(value)) {
        // Elements may be null (an empty AnyValue) but not anything else undecodable.
        const out: unknown[] = [];
        for (const item of value) {
          if (item === null) {
            out.push(null);
            continue;
          }
          const decoded = fromJson(item, depth - 1);
          if (decoded === undefined) return undefined;
          out.push(decoded);
        }
        return out as AttributeValue;
      }
      const map: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const decoded = item === null ? null : fromJson(item, depth - 1);
        if (decoded === undefined) return undefined;
        map[key] = decoded;
      }
      // A nested map (OTLP kvlist): outside the API's static type, exported by the OTLP encoders.
      return map as unknown as AttributeValue;
    }
    default:
      return undefined;
  }
}

function fromString(value: string): AttributeValue {
  if (value.charCodeAt(0) === 100 /* d */ && value.startsWith(BYTES_PREFIX)) {
    const bytes = Buffer.from(value.slice(BYTES_PREFIX.length), 'base64');
    // Exported as OTLP bytesValue; a plain Uint8Array, not a Buffer, so it prints plainly.
    return new Uint8Array(bytes) as unknown as AttributeValue;
  }
  return value;
}

/** True when arrays and maps in the JSON `text` nest deeper than `max` (strings skipped). */
function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return false;
}

/** `"..."` with no escapes, quotes or control characters inside: its content is the string. */
function isPlainJsonString(text: string): boolean {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(last) !== 34) return false;
  for (let i = 1; i < last; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92) return false;
  }
  return true;
}
