import type { HrTime, SpanKind } from '@opentelemetry/api';
import type { JournalEntry, OpenSpanJournal } from '../../engine/index.js';

/*
 * The engine's open-span journal in shared memory: a table of fixed-size slots, written by the
 * guest's thread as spans open and close, read by the telemetry thread only after it stopped the
 * guest's thread (which never answered an interrupt), to close those spans itself.
 *
 * Slot (384 bytes): 0 used (i32), 4 trace flags, 5 kind, 6 has parent, 7 host span, 8 name length (u16),
 * 10 scope length (u16), 16 trace id (16 bytes), 32 span id (8), 40 parent span id (8),
 * 48 start seconds (f64), 56 start nanoseconds (f64), 64 name (up to 256 bytes, UTF-8, cut at a
 * character), 320 scope name (up to 64 bytes).
 */

const SLOT = 384;
const NAME_MAX = 256;
const SCOPE_MAX = 64;
/** Spans noted at most at once (more are counted: they cannot be closed for the guest, and are reported lost). */
export const JOURNAL_SLOTS = 4096;

/** After the slots, one word: how many spans are open beyond them (not noted, counted). */
const OVERFLOW_BYTES = 4;

export function createJournalBuffer(slots = JOURNAL_SLOTS): SharedArrayBuffer {
  return new SharedArrayBuffer(slots * SLOT + OVERFLOW_BYTES);
}

function slotsOf(buffer: SharedArrayBuffer): number {
  return Math.floor((buffer.byteLength - OVERFLOW_BYTES) / SLOT);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The writer: the guest thread's engine notes open spans here. */
export class SharedSpanJournal implements OpenSpanJournal {
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly view: DataView;
  private readonly free: number[] = [];
  /** The handle of a span opened while every slot was taken (counted in the overflow word). */
  private readonly overflow: number;

  constructor(buffer: SharedArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.view = new DataView(buffer);
    this.overflow = slotsOf(buffer);
    for (let slot = this.overflow - 1; slot >= 0; slot--) this.free.push(slot);
  }

  opened(entry: JournalEntry): number {
    const slot = this.free.pop();
    if (slot === undefined) {
      Atomics.add(this.words, (this.overflow * SLOT) / 4, 1);
      return this.overflow;
    }
    const at = slot * SLOT;
    const { context } = entry;
    this.bytes[at + 4] = context.traceFlags;
    this.bytes[at + 5] = entry.kind;
    this.bytes[at + 6] = entry.parentSpanId === undefined ? 0 : 1;
    this.bytes[at + 7] = entry.host ? 1 : 0;
    writeHex(this.bytes, at + 16, context.traceId, 16);
    writeHex(this.bytes, at + 32, context.spanId, 8);
    if (entry.parentSpanId !== undefined) writeHex(this.bytes, at + 40, entry.parentSpanId, 8);
    this.view.setFloat64(at + 48, entry.startTime[0], true);
    this.view.setFloat64(at + 56, entry.startTime[1], true);
    this.view.setUint16(at + 8, entry.name === undefined ? 0xffff : writeText(this.bytes, at + 64, entry.name, NAME_MAX), true);
    this.view.setUint16(at + 10, writeText(this.bytes, at + 320, entry.scope, SCOPE_MAX), true);
    Atomics.store(this.words, at / 4, 1);
    return slot;
  }

  closed(handle: number): void {
    if (handle < 0) return;
    if (handle === this.overflow) {
      Atomics.sub(this.words, (this.overflow * SLOT) / 4, 1);
      return;
    }
    Atomics.store(this.words, (handle * SLOT) / 4, 0);
    this.free.push(handle);
  }
}

/** How many spans were open beyond the journal's slots (they cannot be closed from it). */
export function sharedJournalOverflow(buffer: SharedArrayBuffer): number {
  return Math.max(0, Atomics.load(new Int32Array(buffer), (slotsOf(buffer) * SLOT) / 4));
}

/** The reader: every span noted open in the journal. */
export function readSharedJournal(buffer: SharedArrayBuffer): JournalEntry[] {
  const bytes = new Uint8Array(buffer);
  const words = new Int32Array(buffer);
  const view = new DataView(buffer);
  const entries: JournalEntry[] = [];
  for (let at = 0; at < slotsOf(buffer) * SLOT; at += SLOT) {
    if (Atomics.load(words, at / 4) !== 1) continue;
    const nameLength = view.getUint16(at + 8, true);
    const startTime: HrTime = [view.getFloat64(at + 48, true), view.getFloat64(at + 56, true)];
    entries.push({
      context: { traceId: readHex(bytes, at + 16, 16), spanId: readHex(bytes, at + 32, 8), traceFlags: bytes[at + 4]! },
      parentSpanId: bytes[at + 6] === 1 ? readHex(bytes, at + 40, 8) : undefined,
      name: nameLength === 0xffff ? undefined : decoder.decode(bytes.slice(at + 64, at + 64 + nameLength)),
      kind: bytes[at + 5]! as SpanKind,
      startTime,
      scope: decoder.decode(bytes.slice(at + 320, at + 320 + view.getUint16(at + 10, true))),
      ...(bytes[at + 7] === 1 ? { host: true } : {}),
    });
  }
  return entries;
}

/** Value of each hex digit by character code (ids are lower-case hex; anything else reads 0). */
const NIBBLE = new Uint8Array(128);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLE[97 + c] = NIBBLE[65 + c] = 10 + c;

function writeHex(bytes: Uint8Array, at: number, hex: string, length: number): void {
  for (let i = 0; i < length; i++) bytes[at + i] = (NIBBLE[hex.charCodeAt(2 * i) & 127]! << 4) | NIBBLE[hex.charCodeAt(2 * i + 1) & 127]!;
}

function readHex(bytes: Uint8Array, at: number, length: number): string {
  let hex = '';
  for (let i = 0; i < length; i++) hex += bytes[at + i]!.toString(16).padStart(2, '0');
  return hex;
}

/** Writes `text` (cut at a character boundary to `max` bytes); returns the bytes written. */
function writeText(bytes: Uint8Array, at: number, text: string, max: number): number {
  // encodeInto does not accept views of shared memory everywhere; encode into a small copy.
  let encoded = encoder.encode(text.length > max ? text.slice(0, max) : text);
  if (encoded.length > max) {
    let end = max;
    while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end--;
    encoded = encoded.subarray(0, end);
  }
  bytes.set(encoded, at);
  return encoded.length;
}
