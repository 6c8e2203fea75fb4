import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { importsFrom } from './imports-module.js';
import type { Context } from '@opentelemetry/api';
import { GuestInterrupted } from '../runtime/guest-interrupt.js';
import { wasmKind } from '../runtime/wasm-kind.js';
import type { InstrumentOptions } from '../runtime/instrument/instrument-options.js';
import type { WasmOtelHost } from './create-host.js';
import { WasmOtelError, oneLine } from './errors.js';
import { exitCodeOf } from './host-call.js';
import { coreInvokeArguments, coreInvokeResult, invokeArguments, invokeResult, parseInvoke, WaveSyntaxError } from './wave/invoke-call.js';

/** What to run: a component or core module file, as `wasm-otel run` does. */
export interface RunFileOptions {
  file: string;
  /**
   * An export to call instead of `wasi:cli/run` / `_start`, as `wasmtime run --invoke` takes it:
   * `name` or `name(arg, ...)` with WAVE arguments (`add(1, 2)`, `greet("hi")`), read against the
   * export's signature.
   */
  invoke?: string;
  /** Guest arguments after the program name (the file's base name). */
  args?: string[];
  env?: Record<string, string>;
  preopens?: Record<string, string>;
  /** `--imports`: an ES module whose default export gives a component more imports (see importsFrom). */
  importsModule?: string;
  /** A span for every call a component makes into a host import (see InstantiateOptions.traceImports). */
  traceImports?: boolean;
  /** Instrument the guest's code first: a span per function call (see LoadOptions.instrument). */
  instrument?: boolean | InstrumentOptions;
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
  /** The result of `invoke`'s export as WAVE text (`3`, `"hi"`, `some(1)`); unset when it returns nothing. */
  result?: string;
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
  const instrument = options.instrument ? { instrument: options.instrument } : {};
  try {
    const call = options.invoke === undefined ? undefined : parsedInvoke(options.invoke);
    if (await isCoreModule(options.file)) {
      if (options.importsModule !== undefined) return { exitCode: 1, error: { code: 'invalid_arguments', message: `--imports ${options.importsModule}: a core module's imports are the Observe API and WASI; --imports is for components` } };
      const module = await host.loadModule(options.file, instrument);
      const started = await module.instantiate({ ...wasi, ...(options.traceImports ? { traceImports: true } : {}) });
      instance = started;
      if (call === undefined) return { exitCode: await started.run(parent) };
      const signature = module.info.functionExports.get(call.name);
      const args = signature ? coreInvokeArguments(module.name, call, signature) : unreadArguments(module.name, call);
      const value = await started.invoke(call.name, args, { finalCall: true, ...parent });
      const result = signature ? coreInvokeResult(value, signature.results) : undefined;
      return result === undefined ? { exitCode: 0 } : { exitCode: 0, result };
    } else {
      const component = await host.load(options.file, instrument);
      const imports = options.importsModule !== undefined ? await importsFrom(options.importsModule) : undefined;
      if (typeof imports === 'string') return { exitCode: 1, error: { code: 'invalid_arguments', message: imports } };
      const started = await component.instantiate({ ...wasi, ...(imports ? { imports } : {}), ...(options.traceImports ? { traceImports: true } : {}) });
      instance = started;
      if (call === undefined) return { exitCode: await started.run(parent) };
      const signature = started.signatureOf(call.name);
      const args = signature ? invokeArguments(component.name, call, signature) : unreadArguments(component.name, call);
      const value = await started.invoke(call.name, args, { finalCall: true, ...parent });
      const result = signature ? invokeResult(value, signature) : undefined;
      return result === undefined ? { exitCode: 0 } : { exitCode: 0, result };
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

/** Arguments for an export whose signature could not be read: none, or a refusal (never dropped). */
function unreadArguments(guest: string, call: { name: string; args: readonly unknown[] }): unknown[] {
  if (call.args.length === 0) return [];
  throw new WasmOtelError('invalid_arguments', `${guest}: the signature of ${call.name} could not be read, so --invoke cannot pass it arguments`);
}

function parsedInvoke(text: string): ReturnType<typeof parseInvoke> {
  try {
    return parseInvoke(text);
  } catch (error) {
    if (error instanceof WaveSyntaxError) throw new WasmOtelError('invalid_arguments', `--invoke ${JSON.stringify(text)}: ${error.message}`);
    throw error;
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
