// Types of the package's wasm-bindgen bindings module (it ships types for its bundler entry only).
declare module 'gecko-profiler-demangle/index_bg.js' {
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
  export function demangle_any(name: string): string;
}
