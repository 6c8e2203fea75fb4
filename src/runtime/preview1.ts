import type { WASI } from 'node:wasi';
import { GuestExit, type WasiOptions } from './wasi-imports.js';

let wasiClass: typeof WASI | undefined;

/**
 * Node's `node:wasi` (WASI preview1) class. Loading it prints an ExperimentalWarning on stderr,
 * which is not the guest's output: that one warning is kept off stderr.
 */
async function loadWasi(): Promise<typeof WASI> {
  if (wasiClass) return wasiClass;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/WASI/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    wasiClass = (await import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emitWarning;
  }
  return wasiClass;
}

/** A WASI preview1 context for one core-module instance. */
export interface Preview1 {
  /** `wasi_snapshot_preview1` with `proc_exit` replaced (see below). */
  imports: WebAssembly.Imports;
  /**
   * Sets WASI up for the instance's exported `memory` and runs nothing, so any export may be
   * called next (`_start`, `_initialize` or another). Once per instance.
   */
  bind(memory: WebAssembly.Memory): void;
}

/**
 * node:wasi for one instance, sandboxed to the given args, env and preopens. `proc_exit` throws
 * GuestExit instead (node:wasi's own either ends the process, skipping the telemetry flush, or
 * throws a private symbol), so an exit unwinds the call like the component host's `exit`.
 */
export async function createPreview1(options: WasiOptions): Promise<Preview1> {
  const Wasi = await loadWasi();
  const wasi = new Wasi({
    version: 'preview1',
    args: options.args ?? ['guest'],
    env: options.env ?? {},
    preopens: options.preopens ?? {},
    returnOnExit: true,
  });
  const preview1 = { ...((wasi.getImportObject() as Record<string, unknown>).wasi_snapshot_preview1 as Record<string, unknown>) };
  preview1.proc_exit = (code: number): never => {
    throw new GuestExit(code >>> 0);
  };
  return {
    imports: { wasi_snapshot_preview1: preview1 as WebAssembly.ModuleImports },
    // node:wasi's start() and initialize() also call _start / _initialize and refuse a command's
    // other exports; initialize() of an object holding only the memory does the binding alone.
    // (Its start() adds nothing else here: our proc_exit throws GuestExit, not node's marker.)
    bind: (memory) => {
      wasi.initialize({ exports: { memory } });
    },
  };
}
