/** What `instrumentModule` instruments (see DEFAULT_INSTRUMENT_OPTIONS). */
export interface InstrumentOptions {
  /**
   * Globs of (demangled) function names to instrument; empty: every defined function.
   * `*` any run of characters, `?` one, `[...]` a class, `{a,b}` alternatives (picomatch).
   */
  include?: readonly string[];
  /** Globs of (demangled) function names never instrumented (wins over include). */
  exclude?: readonly string[];
  /**
   * Leaf functions (no calls) with fewer expressions than this are not instrumented: a getter
   * or a two-line helper costs more to trace than it runs. 0 instruments every function.
   */
  minInstructions?: number;
}

/** Defaults, in one place. */
export const DEFAULT_INSTRUMENT_OPTIONS: Required<InstrumentOptions> = {
  include: [],
  exclude: [],
  minInstructions: 8,
};

/** The options as one stable string (cache keys). */
export function instrumentOptionsKey(options: InstrumentOptions = {}): string {
  const resolved = { ...DEFAULT_INSTRUMENT_OPTIONS, ...options };
  return JSON.stringify([resolved.include, resolved.exclude, resolved.minInstructions]);
}

/** The hooks' import module and names (`dylibso:observe/instrument`, see observe-api.md). */
export const HOOK_MODULE = 'dylibso:observe/instrument';
/** The exported mutable i32 global of an instrumented module: 1 (default) calls the hooks, 0 skips them. */
export const ENABLED_GLOBAL = 'wasm_otel_instrument_enabled';
/**
 * The module name an instrumented module's `name` section gives it: engines put it in the
 * module's URL (`wasm://wasm/wasm-otel-instrumented-<hash>`), which tells the host which stack
 * frames are the rewritten module's (their function indices are 3 past the names' indices).
 */
export const INSTRUMENTED_MODULE_NAME = 'wasm-otel-instrumented';
