import { FunctionNames } from '../core/function-names.js';
import { createInstrumentHooks, INSTRUMENT_SCOPE } from '../core/instrument.js';
import type { CoreModuleInfo } from '../core/module-info.js';
import type { InstanceSpanState } from '../engine/index.js';
import { interruptible } from '../runtime/guest-interrupt.js';
import { HOOK_MODULE } from '../runtime/instrument/instrument-options.js';
import type { HostContext } from './host-context.js';
import type { InstrumentSwitch } from './instrument-switch.js';

type InstantiateCore = (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;

/**
 * jco's `instantiateCore` for a component whose guest core module was instrumented (see
 * transpileComponent's `instrument`): that module gets the `dylibso:observe/instrument` hooks of
 * the component instance's span state, so its function spans nest with the spans the guest
 * reports and under the host span; every other core module is instantiated as jco would.
 */
export function instrumentedInstantiateCore(
  instrumented: { module: WebAssembly.Module; info: CoreModuleInfo },
  state: InstanceSpanState,
  host: HostContext,
  instrumentSwitch: InstrumentSwitch,
  /** The instance's interrupt flag: a run stopped by a signal unwinds at the next hook, as at any host call. */
  interrupt?: Int32Array,
): InstantiateCore {
  return async (module, imports = {}) => {
    if (module !== instrumented.module) return WebAssembly.instantiate(module, imports);
    const names = new FunctionNames(instrumented.info.functionNames);
    const tracing = host.telemetry.mayTrace ? host.telemetry.tracingSwitch : undefined;
    const tracker = tracing ? state.enableFunctionCalls({ minSpanMicros: host.minSpanMicros, nameOf: (index) => names.nameOf(index), scope: INSTRUMENT_SCOPE }) : undefined;
    const hooks = createInstrumentHooks(state, tracker, new Uint8Array(0), host.problems, tracing);
    const functions = { enter: hooks.enter, exit: hooks.exit, 'memory-grow': hooks.memoryGrow };
    const instance = await WebAssembly.instantiate(module, { ...imports, [HOOK_MODULE]: interrupt ? interruptible(functions, interrupt) : functions });
    instrumentSwitch.bind(instance);
    return instance;
  };
}
