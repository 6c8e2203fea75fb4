/**
 * The custom sections around a rewrite: which ones a rewritten module keeps, and the `name`
 * section written for it. Only the module's top-level section framing is read here (an id, a
 * size); the code itself is binaryen's business.
 */

const HEADER_BYTES = 8;
const CUSTOM = 0;
const utf8 = new TextDecoder();
const encoder = new TextEncoder();
const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

/** Custom sections whose content the rewrite makes stale (code offsets, function and local indices). */
export function isStaleAfterRewrite(name: string): boolean {
  return name === 'name' || name.startsWith('.debug_') || name === 'sourceMappingURL' || name === 'external_debug_info' || name.startsWith('reloc.') || name === 'linking';
}

/** Names of a module's custom sections, in order. */
export function customSectionNames(bytes: Uint8Array): string[] {
  return sections(bytes)
    .filter((section) => section.id === CUSTOM)
    .map((section) => section.name!);
}

/** The module without the custom sections `drop` picks. */
export function withoutCustomSections(bytes: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, HEADER_BYTES)];
  for (const section of sections(bytes)) {
    if (section.id === CUSTOM && drop(section.name!)) continue;
    parts.push(bytes.subarray(section.start, section.end));
  }
  return concat(parts);
}

/** Custom sections LLVM's tools expect after `name` (llvm-objdump refuses the module otherwise). */
const AFTER_NAME = new Set(['producers', 'target_features']);

/** The module with this `name` section added: before `producers` / `target_features`, else last. */
export function withNameSection(bytes: Uint8Array, section: Uint8Array): Uint8Array {
  const before = sections(bytes).find((entry) => entry.id === CUSTOM && AFTER_NAME.has(entry.name!));
  const at = before?.start ?? bytes.length;
  return concat([bytes.subarray(0, at), section, bytes.subarray(at)]);
}

/** A `name` section with the module name (if any) and these function names, by function index. */
export function nameSection(functionNames: ReadonlyMap<number, string>, moduleName?: string): Uint8Array {
  const subsections: Uint8Array[] = [];
  if (moduleName !== undefined) subsections.push(subsection(0, text(moduleName)));
  const entries = [...functionNames].sort(([a], [b]) => a - b);
  if (entries.length > 0) {
    const map: Uint8Array[] = [leb(entries.length)];
    for (const [index, name] of entries) map.push(leb(index), text(name));
    subsections.push(subsection(1, concat(map)));
  }
  const payload = concat([text('name'), ...subsections]);
  return concat([Uint8Array.of(CUSTOM), leb(payload.length), payload]);
}

interface Section {
  id: number;
  name?: string;
  start: number;
  end: number;
}

function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let at = HEADER_BYTES;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++]!;
    const size = readLeb(bytes, at);
    at = size.next;
    const end = at + size.value;
    if (end > bytes.length) throw new Error(`section ${id} at byte ${start} runs past the end of the module`);
    let name: string | undefined;
    if (id === CUSTOM) {
      const length = readLeb(bytes, at);
      name = utf8.decode(bytes.subarray(length.next, length.next + length.value));
    }
    out.push({ id, ...(name !== undefined ? { name } : {}), start, end });
    at = end;
  }
  return out;
}

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length || shift > 28) throw new Error(`malformed section size at byte ${at}`);
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: at };
  }
}

function leb(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Uint8Array.from(out);
}

function text(value: string): Uint8Array {
  const bytes = encoder.encode(value);
  return concat([leb(bytes.length), bytes]);
}

function subsection(id: number, content: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(id), leb(content.length), content]);
}

