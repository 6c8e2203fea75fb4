/**
 * A copy of a component with the code of every core module left out (each replaced by an empty
 * module), so that printing it to text shows its types, imports and exports without megabytes of
 * instructions. Nested components are handled the same way. Only the section framing is read.
 */

import { HEADER_BYTES, section, sectionFrames } from '../wasm-sections.js';

const CORE_MODULE_SECTION = 1;
const COMPONENT_SECTION = 4;
const EMPTY_CORE_MODULE = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

export function withoutCoreCode(component: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [component.subarray(0, HEADER_BYTES)];
  for (const { id, start, contentStart, end } of sectionFrames(component)) {
    if (id === CORE_MODULE_SECTION) {
      parts.push(section(id, EMPTY_CORE_MODULE));
    } else if (id === COMPONENT_SECTION) {
      parts.push(section(id, withoutCoreCode(component.subarray(contentStart, end))));
    } else {
      parts.push(component.subarray(start, end));
    }
  }
  return Buffer.concat(parts);
}
