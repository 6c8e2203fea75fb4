import { HEADER_BYTES, readU32Leb, section, sectionFrames, u32Leb } from '../wasm-sections.js';

/**
 * The custom sections around a rewrite: which ones a rewritten module keeps, and the `name`
 * section written for it. Only the module's top-level section framing is read here (an id, a
 * size); the code itself is binaryen's business.
 */

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
  if (moduleName !== undefined) subsections.push(section(0, text(moduleName)));
  const entries = [...functionNames].sort(([a], [b]) => a - b);
  if (entries.length > 0) {
    const map: Uint8Array[] = [u32Leb(entries.length)];
    for (const [index, name] of entries) map.push(u32Leb(index), text(name));
    subsections.push(section(1, concat(map)));
  }
  const payload = concat([text('name'), ...subsections]);
  return section(CUSTOM, payload);
}

interface Section {
  id: number;
  name?: string;
  start: number;
  end: number;
}

/** The module's sections, custom ones with their names. */
function sections(bytes: Uint8Array): Section[] {
  return sectionFrames(bytes).map(({ id, start, contentStart, end }) => {
    if (id !== CUSTOM) return { id, start, end };
    const length = readU32Leb(bytes, contentStart);
    return { id, name: utf8.decode(bytes.subarray(length.next, length.next + length.value)), start, end };
  });
}

function text(value: string): Uint8Array {
  const bytes = encoder.encode(value);
  return concat([u32Leb(bytes.length), bytes]);
}
