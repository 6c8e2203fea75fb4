import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';

/** How a plain (host-less) run of a WASI command ended. */
export interface RawRun {
  exitCode: number | undefined;
  /** The trap's message, when it trapped. */
  trap: string | undefined;
  stdout: string;
  /** A copy of the whole linear memory after the run. */
  memory: Uint8Array;
}

/** The five `dylibso:observe/api` functions, doing nothing (for modules that use the manual API). */
export const API_STUBS: WebAssembly.Imports = {
  'dylibso:observe/api': { 'span-enter'() {}, 'span-exit'() {}, 'span-tags'() {}, metric() {}, log() {} },
};

/**
 * Runs a WASI command with node:wasi alone (no wasm-otel), stdout into a file, and the given
 * extra imports (hooks, API stubs): the reference a rewritten module is compared with.
 */
export function runRawCommand(bytes: Uint8Array, args: string[], extra: WebAssembly.Imports = {}): RawRun {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-otel-raw-'));
  const out = join(dir, 'stdout');
  const fd = openSync(out, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args, env: {}, stdout: fd, returnOnExit: true });
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const imports: WebAssembly.Imports = { ...extra, wasi_snapshot_preview1: (wasi.getImportObject() as { wasi_snapshot_preview1: WebAssembly.ModuleImports }).wasi_snapshot_preview1 };
    const needed = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
    for (const name of Object.keys(imports)) if (!needed.has(name)) delete imports[name];
    const instance = new WebAssembly.Instance(module, imports);
    let exitCode: number | undefined;
    let trap: string | undefined;
    try {
      exitCode = wasi.start(instance);
    } catch (error) {
      trap = error instanceof WebAssembly.RuntimeError ? error.message : String(error);
    }
    closeSync(fd);
    const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer).slice();
    return { exitCode, trap, stdout: readFileSync(out, 'utf8'), memory };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instantiates a reactor (or a library module) with node:wasi when it imports WASI, and `_initialize`s it. */
export function rawReactor(bytes: Uint8Array, extra: WebAssembly.Imports = {}): WebAssembly.Instance {
  const wasi = new WASI({ version: 'preview1', args: ['reactor'], env: {}, returnOnExit: true });
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const imports: WebAssembly.Imports = { ...extra, wasi_snapshot_preview1: (wasi.getImportObject() as { wasi_snapshot_preview1: WebAssembly.ModuleImports }).wasi_snapshot_preview1 };
  const needed = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
  for (const name of Object.keys(imports)) if (!needed.has(name)) delete imports[name];
  const instance = new WebAssembly.Instance(module, imports);
  if (typeof instance.exports._initialize === 'function') wasi.initialize(instance);
  return instance;
}
