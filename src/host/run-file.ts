import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Context } from '@opentelemetry/api';
import { GuestInterrupted } from '../runtime/guest-interrupt.js';
import { wasmKind } from '../runtime/wasm-kind.js';
import type { WasmOtelHost } from './create-host.js';
import { WasmOtelError, oneLine } from './errors.js';
import { exitCodeOf } from './host-call.js';

/** What to run: a component or core module file, as `wasm-otel run` does. */
export interface RunFileOptions {
  file: string;
  /** An export to call instead of `wasi:cli/run` / `_start`. */
  invoke?: string;
  /** Guest arguments after the program name (the file's base name). */
  args?: string[];
  env?: Record<string, string>;
  preopens?: Record<string, string>;
  /**
   * The context the run joins: the host span is its child (a remote parent from TRACEPARENT, its
   * trace state kept), and its baggage is in the context active during the call. Default: the
   * active context.
   */
  parentContext?: Context;
}

/** How a run ended: the exit code, and the error when it failed (its message is one line). */
export interface RunOutcome {
  exitCode: number;
  error?: { code: string; message: string };
}

/**
 * Loads and runs a file with a host the way the CLI does: a core module (told apart by its
 * header) as a WASI command or reactor, a component through `wasi:cli/run`, or `invoke`'s export.
 * Never rejects: a failure is the outcome's error (exit code 1), a guest exit its exit code.
 */
export async function runFile(host: WasmOtelHost, options: RunFileOptions): Promise<RunOutcome> {
  let instance: { dispose(): void } | undefined;
  const wasi = { args: [basename(options.file), ...(options.args ?? [])], env: options.env ?? {}, preopens: options.preopens ?? {} };
  const parent = options.parentContext !== undefined ? { parentContext: options.parentContext } : {};
  try {
    if (await isCoreModule(options.file)) {
      const started = await (await host.loadModule(options.file)).instantiate(wasi);
      instance = started;
      if (options.invoke === undefined) return { exitCode: await started.run(parent) };
      await started.call(options.invoke, [], { finalCall: true, ...parent });
    } else {
      const started = await (await host.load(options.file)).instantiate(wasi);
      instance = started;
      if (options.invoke === undefined) return { exitCode: await started.run(parent) };
      await started.call(options.invoke, [], { finalCall: true, ...parent });
    }
    return { exitCode: 0 };
  } catch (error) {
    const exitCode = exitCodeOf(error);
    if (exitCode !== undefined) return { exitCode };
    const code = error instanceof WasmOtelError ? error.code : 'host_error';
    // Interrupted by a signal: the shell's convention, 128 + the signal's number.
    const interrupted = code === 'interrupted' && (error as WasmOtelError).cause instanceof GuestInterrupted;
    return { exitCode: interrupted ? 128 + ((error as WasmOtelError).cause as GuestInterrupted).signal : 1, error: { code, message: oneLine(error) } };
  } finally {
    instance?.dispose();
  }
}

/** Core module or component, by the file's header (unreadable files go on to load's message). */
async function isCoreModule(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const header = new Uint8Array(8);
      await handle.read(header, 0, 8, 0);
      return wasmKind(header) === 'core-module';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
