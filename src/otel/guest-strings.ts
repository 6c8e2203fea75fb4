/**
 * Strings read straight from guest memory by the span readers (see span-data-reader.ts): ASCII
 * only (the readers leave anything else to jco's lifting), checked in bounds by the caller.
 *
 * Keys, names and small values repeat from span to span at the same address (a guest's static
 * strings): a small cache keyed by address and length, checked against the bytes on every hit,
 * returns the string already made, so it is neither built nor hashed again when it becomes a
 * property key. A hit returns exactly what decoding would (the bytes are compared one by one).
 */

const SLOTS = 512;
/** Longer strings are not kept (a cache holds at most its slots x this many characters). */
const CACHED_MAX = 64;

/** Node's Buffer has latin1Slice (undocumented, but what `buffer.toString('latin1')` calls): ASCII is latin1. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };
let nodeBufferFor: ArrayBufferLike | undefined;
let nodeBuffer: Latin1Buffer | undefined;

/** True when `len` bytes at `ptr` are within `bytes` and all below 0x80. */
export function isAscii(bytes: Uint8Array, ptr: number, len: number): boolean {
  if (ptr < 0 || len < 0 || ptr + len > bytes.length) return false;
  let bits = 0;
  for (let i = ptr, end = ptr + len; i < end; i++) bits |= bytes[i]!;
  return bits < 0x80;
}

/** The ASCII bytes as a (flat) string. */
export function asciiString(bytes: Uint8Array, ptr: number, len: number): string {
  if (len === 0) return '';
  if (nodeBufferFor !== bytes.buffer) {
    nodeBufferFor = bytes.buffer;
    nodeBuffer = Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength) as Latin1Buffer;
  }
  return nodeBuffer!.latin1Slice(bytes.byteOffset + ptr, bytes.byteOffset + ptr + len);
}

export class GuestStrings {
  private readonly mask: number;
  private readonly ptrs: Int32Array;
  private readonly lens: Int32Array;
  private readonly strings: string[];

  /** `slots`: a power of two. */
  constructor(slots = SLOTS) {
    this.mask = slots - 1;
    this.ptrs = new Int32Array(slots).fill(-1);
    this.lens = new Int32Array(slots);
    this.strings = new Array<string>(slots).fill('');
  }

  /** The string of the `len` bytes at `ptr`, or undefined when they are not all ASCII or not in bounds. */
  get(bytes: Uint8Array, ptr: number, len: number): string | undefined {
    if (ptr < 0 || len < 0 || ptr + len > bytes.length) return undefined;
    if (len > CACHED_MAX) return isAscii(bytes, ptr, len) ? asciiString(bytes, ptr, len) : undefined;
    const slot = (ptr ^ (ptr >>> 9) ^ (len << 4)) & this.mask;
    if (this.ptrs[slot] === ptr && this.lens[slot] === len) {
      // The cached string is ASCII: bytes equal to it are too.
      const s = this.strings[slot]!;
      let i = 0;
      while (i < len && bytes[ptr + i] === s.charCodeAt(i)) i++;
      if (i === len) return s;
    }
    if (!isAscii(bytes, ptr, len)) return undefined;
    const s = asciiString(bytes, ptr, len);
    this.ptrs[slot] = ptr;
    this.lens[slot] = len;
    this.strings[slot] = s;
    return s;
  }
}

/** True when the `len` bytes at `ptr` are a W3C id: hex digits (lower case), not all zero. */
export function isHexId(bytes: Uint8Array, ptr: number, len: number): boolean {
  if (ptr < 0 || ptr + len > bytes.length) return false;
  let nonZero = 0;
  for (let i = ptr, end = ptr + len; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) nonZero |= c - 48;
    else if (c >= 97 && c <= 102) nonZero = 1;
    else return false;
  }
  return nonZero !== 0;
}

/**
 * A W3C id of `len` hex digits (lower case, not all zero) at `ptr`, or undefined when it is not
 * one (upper case included: jco's lifting and the front-end's checks handle those).
 */
export function hexIdAt(bytes: Uint8Array, ptr: number, len: number): string | undefined {
  if (ptr < 0 || ptr + len > bytes.length) return undefined;
  let nonZero = 0;
  for (let i = ptr, end = ptr + len; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) nonZero |= c - 48;
    else if (c >= 97 && c <= 102) nonZero = 1;
    else return undefined;
  }
  if (nonZero === 0) return undefined;
  // A span id in one call (a call into C++ costs more for 16 characters); a trace id in one piece.
  if (len === 16) {
    const b = bytes;
    const p = ptr;
    return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!, b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!);
  }
  return asciiString(bytes, ptr, len);
}

/** True when the `len` bytes at `ptr` spell `text` (ASCII). */
export function bytesEqual(bytes: Uint8Array, ptr: number, len: number, text: string): boolean {
  if (text.length !== len) return false;
  for (let i = 0; i < len; i++) if (bytes[ptr + i] !== text.charCodeAt(i)) return false;
  return true;
}
