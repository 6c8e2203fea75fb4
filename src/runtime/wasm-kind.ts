/** What a `.wasm` file holds, from its 8-byte header. */
export type WasmKind = 'component' | 'core-module' | 'not-wasm';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function wasmKind(bytes: Uint8Array): WasmKind {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return 'not-wasm';
  // Core modules: version 1, layer 0. Components: version 0x0d (pre-1.0 encoding), layer 1.
  const layer = bytes[6]! | (bytes[7]! << 8);
  if (layer === 1) return 'component';
  if (layer === 0 && bytes[4] === 1 && bytes[5] === 0) return 'core-module';
  return 'not-wasm';
}
