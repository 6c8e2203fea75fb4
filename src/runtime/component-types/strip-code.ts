/**
 * A copy of a component with the code of every core module left out (each replaced by an empty
 * module), so that printing it to text shows its types, imports and exports without megabytes of
 * instructions. Nested components are handled the same way. Only the section framing is read.
 */

const CORE_MODULE_SECTION = 1;
const COMPONENT_SECTION = 4;
const HEADER_BYTES = 8;
const EMPTY_CORE_MODULE = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

export function withoutCoreCode(component: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [component.subarray(0, HEADER_BYTES)];
  let offset = HEADER_BYTES;
  while (offset < component.length) {
    const id = component[offset]!;
    const { value: size, next } = readU32(component, offset + 1);
    const end = next + size;
    if (end > component.length) throw new Error('truncated section');
    if (id === CORE_MODULE_SECTION) {
      parts.push(section(id, EMPTY_CORE_MODULE));
    } else if (id === COMPONENT_SECTION) {
      parts.push(section(id, withoutCoreCode(component.subarray(next, end))));
    } else {
      parts.push(component.subarray(offset, end));
    }
    offset = end;
  }
  return concat(parts);
}

function readU32(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let at = offset; at < bytes.length && shift < 35; at++, shift += 7) {
    const byte = bytes[at]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at + 1 };
  }
  throw new Error('bad section size');
}

function section(id: number, payload: Uint8Array): Uint8Array {
  const size: number[] = [];
  let rest = payload.length;
  do {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    size.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return concat([Uint8Array.of(id, ...size), payload]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
