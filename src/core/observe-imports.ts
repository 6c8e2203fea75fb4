import type { GuestInstruments, InstanceSpanState, LogPipeline, ProblemCounter, ScopeCache } from '../engine/index.js';
import { FunctionNames } from './function-names.js';
import type { GuestMemory } from './guest-memory.js';
import { createInstrumentHooks, INSTRUMENT_SCOPE, type TracingSwitch } from './instrument.js';
import type { CoreModuleInfo, FunctionImport } from './module-info.js';
import { createObserveApi } from './observe-api.js';

export const API_MODULE = 'dylibso:observe/api';
export const INSTRUMENT_MODULE = 'dylibso:observe/instrument';
/** Older modules: the instrument hooks under `instrument_*` names. */
export const LEGACY_MODULE = 'dylibso_observe';

/** Parameter lists (all i32, no results) of every function the host serves, by module and name. */
const SIGNATURES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [API_MODULE]: { 'span-enter': 'i32,i32', 'span-exit': '', 'span-tags': 'i32,i32', metric: 'i32,i32,i32', log: 'i32,i32,i32' },
  [INSTRUMENT_MODULE]: { enter: 'i32', exit: 'i32', 'memory-grow': 'i32' },
  [LEGACY_MODULE]: { instrument_enter: 'i32', instrument_exit: 'i32', instrument_memory_grow: 'i32' },
};

/** Which Observe families a module uses, checked against the ABI. */
export interface ObserveUsage {
  api: boolean;
  instrument: boolean;
  legacy: boolean;
  /** Function indices whose enter/exit hooks are skipped (the module's `dylibso:observe/api` imports). */
  ignored: Uint8Array;
}

/**
 * Checks a module's Observe imports: every one must be a function the host serves, with its
 * signature. Returns what the module uses, or a message saying what is wrong.
 */
export function observeUsage(info: CoreModuleInfo): ObserveUsage | { error: string } {
  const usage: ObserveUsage = { api: false, instrument: false, legacy: false, ignored: new Uint8Array(info.functionImports.length) };
  for (const fn of info.functionImports) {
    const known = SIGNATURES[fn.module];
    if (!known) continue;
    if (fn.module === LEGACY_MODULE && fn.params.includes('i64')) {
      return {
        error:
          `imports ${describe(fn)}: the old Observe API (64-bit pointers, module "${LEGACY_MODULE}"), which wasm-otel does not serve; ` +
          `rebuild the module with a current Observe SDK (dylibso:observe/api) or re-instrument it`,
      };
    }
    const expected = known[fn.name];
    if (expected === undefined) {
      return { error: `imports ${describe(fn)}, which ${fn.module} does not have (it has: ${Object.keys(known).join(', ')})` };
    }
    if (fn.params.join(',') !== expected || fn.results.length > 0) {
      return { error: `imports ${describe(fn)}, but ${fn.module} ${fn.name} is (${expected.replaceAll(',', ', ')}) -> ()` };
    }
    if (fn.module === API_MODULE) {
      usage.api = true;
      usage.ignored[fn.index] = 1;
    } else if (fn.module === INSTRUMENT_MODULE) {
      usage.instrument = true;
    } else {
      usage.legacy = true;
    }
  }
  return usage;
}

function describe(fn: FunctionImport): string {
  return `${fn.module} ${fn.name}(${fn.params.join(', ')})${fn.results.length ? ` -> ${fn.results.join(', ')}` : ''}`;
}

/** What one instance's Observe imports report into. */
export interface CoreImportsContext {
  state: InstanceSpanState;
  memory: GuestMemory;
  problems: ProblemCounter;
  instruments: GuestInstruments;
  logs: LogPipeline;
  scopes: ScopeCache;
  /**
   * Whether spans are recorded now (the host's provider may be registered later); undefined when
   * they never can be (the hooks then do nothing at all).
   */
  tracing: TracingSwitch | undefined;
  minSpanMicros: number;
}

/** The import object for the Observe namespaces the module uses (merge it with WASI and your own). */
export function createObserveImports(info: CoreModuleInfo, usage: ObserveUsage, cx: CoreImportsContext): WebAssembly.Imports {
  const imports: WebAssembly.Imports = {};
  if (usage.api) imports[API_MODULE] = createObserveApi(cx);
  if (usage.instrument || usage.legacy) {
    const names = new FunctionNames(info.functionNames);
    const tracker = cx.tracing
      ? cx.state.enableFunctionCalls({ minSpanMicros: cx.minSpanMicros, nameOf: (index) => names.nameOf(index), scope: INSTRUMENT_SCOPE })
      : undefined;
    const hooks = createInstrumentHooks(cx.state, tracker, usage.ignored, cx.problems, cx.tracing);
    if (usage.instrument) imports[INSTRUMENT_MODULE] = { enter: hooks.enter, exit: hooks.exit, 'memory-grow': hooks.memoryGrow };
    if (usage.legacy) {
      imports[LEGACY_MODULE] = { instrument_enter: hooks.enter, instrument_exit: hooks.exit, instrument_memory_grow: hooks.memoryGrow };
    }
  }
  return imports;
}
