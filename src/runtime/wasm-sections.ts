/**
 * The top-level framing of a WebAssembly binary (core module or component): sections as an id
 * and a size, and the unsigned LEB128 numbers it is written in. Nothing inside a section is read
 * here (the code is binaryen's and jco's business).
 */

/** Magic and version/layer: what comes before the first section. */
export const HEADER_BYTES = 8;

/** One section: its id, where it starts (its id byte), where its content starts, where it ends. */
export interface SectionFrame {
  id: number;
  start: number;
  contentStart: number;
  end: number;
}

/** The sections of a binary, in order. Throws on a size that runs past the end. */
export function sectionFrames(bytes: Uint8Array): SectionFrame[] {
  const out: SectionFrame[] = [];
  let at = HEADER_BYTES;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++]!;
    const size = readU32Leb(bytes, at);
    const end = size.next + size.value;
    if (end > bytes.length) throw new Error(`section ${id} at byte ${start} runs past the end`);
    out.push({ id, start, contentStart: size.next, end });
    at = end;
  }
  return out;
}

/** An unsigned LEB128 number of at most 32 bits at `at`, and where the next byte is. */
export function readU32Leb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; at < bytes.length && shift < 35; shift += 7) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at };
  }
  throw new Error(`malformed LEB128 number before byte ${at}`);
}

/** `value` as unsigned LEB128. */
export function u32Leb(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Uint8Array.from(out);
}

/** A section with this id and content. */
export function section(id: number, content: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.of(id), u32Leb(content.length), content]);
}
