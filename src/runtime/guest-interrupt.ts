/**
 * Thrown by a host import when the run was interrupted (a signal): unwinds the guest, like
 * GuestExit. A RuntimeError (a trap), so that jco's glue rethrows it even from imports that
 * return a `result` (it turns other errors into `err`, which the guest would carry on with).
 */
export class GuestInterrupted extends WebAssembly.RuntimeError {
  constructor(
    /** The signal's number (SIGTERM 15, SIGINT 2, SIGHUP 1). */
    readonly signal: number,
    /** Its name, for messages. */
    readonly signalName: string,
  ) {
    super(`interrupted by ${signalName}`);
    this.name = 'GuestInterrupted';
  }
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 14: 'SIGALRM', 15: 'SIGTERM' };

export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}

/**
 * The same functions, each first checking `flag[0]`: once it holds a signal number, the next call
 * into the host throws GuestInterrupted instead of doing its work, so a guest that keeps calling
 * the host (telemetry, instrument hooks, WASI) stops at once. One read of shared memory per call.
 */
export function interruptible<T extends object>(functions: T, flag: Int32Array): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(functions)) {
    // Resource classes stay as they are (jco constructs them and checks instanceof).
    if (typeof value !== 'function' || /^class[\s{]/.test(Function.prototype.toString.call(value))) {
      out[name] = value;
      continue;
    }
    const wrapped = checked(value as (...args: unknown[]) => unknown, flag);
    // The readers the glue may call instead of the function (symbol-keyed: see
    // src/otel/span-data-reader.ts) check the flag too.
    for (const key of Object.getOwnPropertySymbols(value)) {
      const reader = (value as unknown as Record<symbol, unknown>)[key];
      if (typeof reader === 'function') Object.defineProperty(wrapped, key, { value: checked(reader as (...args: unknown[]) => unknown, flag) });
    }
    out[name] = wrapped;
  }
  return out as T;
}

function checked(fn: (...args: unknown[]) => unknown, flag: Int32Array): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]): unknown {
    const signal = flag[0]!;
    if (signal !== 0) throw new GuestInterrupted(signal, signalName(signal));
    return fn.apply(this, args);
  };
}
