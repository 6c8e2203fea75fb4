import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as bindings from 'gecko-profiler-demangle/index_bg.js';

/**
 * Rust (legacy and v0) and C++ demangling by `gecko-profiler-demangle` (rustc-demangle and
 * cpp_demangle compiled to wasm). Its package entry is for bundlers (it imports the .wasm as an
 * ES module), so the host instantiates the wasm itself and hands it to the package's bindings.
 */
let ready = false;

function load(): void {
  const require = createRequire(import.meta.url);
  const bytes = readFileSync(require.resolve('gecko-profiler-demangle/index_bg.wasm'));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './index_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  ready = true;
}

/**
 * Only names that look mangled (`_Z...`, `__Z...`, `_R...`, `__R...`) go to the demangler: it
 * strips a leading `_` from any other name (`_start` would become `start`).
 */
const MANGLED = /^_{1,2}[ZR]/;

/** The demangled form of a Rust or C++ symbol; any other name as it is. Never throws. */
export function demangle(name: string): string {
  if (!MANGLED.test(name)) return name;
  try {
    if (!ready) load();
    return bindings.demangle_any(name);
  } catch {
    return name;
  }
}
