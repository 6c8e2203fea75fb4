import { MEMORY_VIEWS_END, type RewriteResult } from './shared.js';

// 2. memory-views
//
// Generated:
//
//     let dv = new DataView(new ArrayBuffer());
//     const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);
//
// plus `new Uint8Array(memory0.buffer, ptr, len)` for every string. Both read the
// `WebAssembly.Memory#buffer` getter on every access. The rewrite keeps the last memory and its
// buffer and reuses them while that buffer is still attached: a non-shared, non-resizable
// memory keeps returning the same ArrayBuffer until it grows, and growing detaches that buffer
// (its byteLength drops to 0), after which the next access fetches the new one. So
// `_jcoMemoryBuffer(m)` always returns exactly the object `m.buffer` would. Shared or resizable
// buffers (and empty memories) are never cached: those read `m.buffer` every time, as before.

// The helper is the first statement of instantiate(), so what replaces it is visible to all the
// code of instantiate(); only that code (up to its final return) is rewritten.
// (jco puts `const emptyFunc = () => {};` first when the component has resources without a destructor.)
const DATA_VIEW = /(export function instantiate\([^\n]*\) \{\s*(?:const emptyFunc = \(\) => \{\};\s*)?)let dv = new DataView\(new ArrayBuffer\(\)\);\s*const dataView = mem => dv\.buffer === mem\.buffer \? dv : dv = new DataView\(mem\.buffer\);/;
const INSTANTIATE_END = '\nreturn promise || maybeSyncReturn;\n};';

// `memoryN.buffer` (component memories) and `memory.buffer` (the parameter of the string
// encoding helpers), but not `ctx.memory.buffer` or other properties.
const MEMORY_BUFFER = /(?<![\w$.])(memory\d*)\.buffer\b/g;


export function memoryViews(source: string): RewriteResult {
  const name = 'memory-views';
  const helper = DATA_VIEW.exec(source);
  const end = source.indexOf(INSTANTIATE_END);
  if (!helper || end < helper.index || source.indexOf(INSTANTIATE_END, end + 1) >= 0) {
    return { name, source, applied: false, skipped: [`${name}: dataView helper at the top of instantiate() not found`] };
  }
  const helpers = `${helper[1]}let dv = new DataView(new ArrayBuffer());
  // glue-transform (memory-views): reuse the last memory's buffer while it is attached.
  let _jcoViewMemory = null;
  let _jcoViewBuffer = dv.buffer;
  let _jcoViewBytes = new Uint8Array(_jcoViewBuffer);
  const _jcoRefreshView = mem => {
    const buffer = mem.buffer;
    if (buffer !== _jcoViewBuffer) { dv = new DataView(buffer); _jcoViewBuffer = buffer; _jcoViewBytes = new Uint8Array(buffer); }
    _jcoViewMemory = buffer instanceof ArrayBuffer && !buffer.resizable && buffer.byteLength !== 0 ? mem : null;
  };
  const dataView = mem => {
    if (mem !== _jcoViewMemory || _jcoViewBuffer.byteLength === 0) { _jcoRefreshView(mem); }
    return dv;
  };
  const _jcoMemoryBuffer = mem => {
    if (mem !== _jcoViewMemory || _jcoViewBuffer.byteLength === 0) { _jcoRefreshView(mem); }
    return _jcoViewBuffer;
  };
  ${MEMORY_VIEWS_END}`;
  const before = source.slice(0, helper.index);
  const body = source.slice(helper.index + helper[0].length, end);
  // (The new helpers read `mem.buffer`, which MEMORY_BUFFER does not match.)
  const rewritten = body.replace(MEMORY_BUFFER, (_all, memory: string) => `_jcoMemoryBuffer(${memory})`);
  return { name, source: before + helpers + rewritten + source.slice(end), applied: true, skipped: [] };
}
