/** Stable codes for what can go wrong loading or running a guest; the CLI prints the message. */
export type WasmOtelErrorCode =
  | 'file_not_found'
  | 'not_wasm'
  | 'core_module'
  | 'component'
  | 'invalid_module'
  | 'unsupported_import'
  | 'transpile_failed'
  /** `instrument`: the rewrite failed (a wasm-otel bug; see the message). */
  | 'instrument_failed'
  /** `instrument`: the module imports the instrument hooks already. */
  | 'already_instrumented'
  /** `instrument`: a relocatable object file (`.o`), not a linked module. */
  | 'relocatable_object'
  | 'missing_import'
  | 'unsupported_shape'
  | 'unknown_export'
  | 'invalid_arguments'
  | 'already_started'
  | 'guest_trap'
  | 'guest_error'
  | 'guest_exit'
  | 'interrupted'
  /** A preopened host directory is missing, not a directory, or cannot be opened. */
  | 'invalid_preopen';

/** An error from wasm-otel with a one-line, human-readable message and a stable code. */
export class WasmOtelError extends Error {
  constructor(
    readonly code: WasmOtelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WasmOtelError';
  }
}

/** First line of an error's message, for one-line reports. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split('\n')[0]!.trim();
}
