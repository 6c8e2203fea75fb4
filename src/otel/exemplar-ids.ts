import { spanIdFrom, traceIdFrom } from './span-context.js';

/**
 * An exemplar's trace or span id: the WIT's lower-case hex (32 / 16 digits), or the raw id bytes
 * that some guest SDKs put into the string instead (16 / 8 bytes as UTF-8 text). The empty
 * string means no span was active. Returns hex, undefined for "none", or null when invalid.
 */
export function exemplarIdFrom(value: unknown, bytes: 8 | 16): string | undefined | null {
  if (value === '' || value === undefined) return undefined;
  if (typeof value !== 'string') return null;
  const hex = bytes === 16 ? traceIdFrom(value) : spanIdFrom(value);
  if (hex) return hex;
  const raw = Buffer.from(value, 'utf8');
  if (raw.length !== bytes) return null;
  const fromRaw = raw.toString('hex');
  return /^0+$/.test(fromRaw) ? undefined : fromRaw;
}
