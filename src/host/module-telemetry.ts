import type { Attributes } from '@opentelemetry/api';
import { InstanceSpanState } from '../engine/index.js';
import { GuestMemory } from '../core/guest-memory.js';
import type { CoreModuleInfo } from '../core/module-info.js';
import { createObserveImports, type ObserveUsage } from '../core/observe-imports.js';
import { interruptible } from '../runtime/guest-interrupt.js';
import { callInHostSpan, type CallOptions } from './host-call.js';
import type { HostContext } from './host-context.js';
import { InstrumentSwitch } from './instrument-switch.js';
import { instrumentedStackFixer } from './instrumented-stack.js';

/**
 * Telemetry for ONE instance of a core module that your code instantiates itself: merge
 * `imports` into your import object, `bind` the instance, and make calls into it through `call`
 * (each in a host span that the module's spans nest under; calls made around it produce root
 * spans). Spans still open when the instance is done are closed by `dispose`.
 *
 * ```ts
 * const telemetry = loaded.telemetry();
 * const instance = await WebAssembly.instantiate(loaded.module, { ...myImports, ...telemetry.imports });
 * telemetry.bind(instance);
 * telemetry.call(() => (instance.exports.work as () => number)());
 * ```
 */
export class ModuleTelemetry {
  /** The `dylibso:observe/*` (and legacy `dylibso_observe`) imports the module uses. */
  readonly imports: WebAssembly.Imports;
  private readonly memory: GuestMemory;
  /** @internal The instance's span state (for host-call spans, see ImportTracer). */
  readonly state: InstanceSpanState;
  private disposed = false;
  /** The in-module switch, when wasm-otel's instrumenter rewrote the module. */
  private readonly instrumentSwitch: InstrumentSwitch;
  /** For a module wasm-otel instrumented: corrects the names of its frames in a trap's stack. */
  private readonly fixStack: ((error: unknown) => void) | undefined;

  constructor(
    readonly name: string,
    info: CoreModuleInfo,
    usage: ObserveUsage,
    private readonly host: HostContext,
    /** Attributes of every host span of this instance (see host-span-attributes.ts). */
    private readonly attributes: Attributes = {},
  ) {
    host.telemetry.refresh();
    this.memory = new GuestMemory(host.limits.maxRecordBytes);
    this.instrumentSwitch = new InstrumentSwitch(host.telemetry);
    this.fixStack = instrumentedStackFixer(info);
    this.state = new InstanceSpanState(host.pipeline, host.limits, host.problems, host.caches.scopes, host.instances);
    const imports = createObserveImports(info, usage, {
      state: this.state,
      memory: this.memory,
      problems: host.problems,
      instruments: host.instruments,
      logs: host.logs,
      scopes: host.caches.scopes,
      tracing: host.telemetry.mayTrace ? host.telemetry.tracingSwitch : undefined,
      minSpanMicros: host.minSpanMicros,
    });
    const interrupt = host.interrupt;
    if (interrupt) for (const [name, functions] of Object.entries(imports)) imports[name] = interruptible(functions, interrupt);
    this.imports = imports;
  }

  /**
   * Binds the instance's exported `memory` (where the module's strings are read from) and, for a
   * module instrumented by wasm-otel, its switch `wasm_otel_instrument_enabled` (0 while this host
   * cannot record spans: the module then skips its hooks).
   */
  bind(instance: WebAssembly.Instance): void {
    const memory = instance.exports.memory;
    this.memory.bind(memory instanceof WebAssembly.Memory ? memory : undefined);
    this.instrumentSwitch.bind(instance);
  }

  /**
   * Calls into the module inside a host span. A trap or `proc_exit` closes the spans left open
   * and is rethrown as a WasmOtelError (`guest_trap`, `guest_exit`).
   */
  call<T>(body: () => T, options: CallOptions = {}): T {
    const tracer = this.host.telemetry.tracerForCall(this.name);
    this.instrumentSwitch.sync();
    return callInHostSpan({ name: this.name, state: this.state, tracer, attributes: this.attributes, ...(this.fixStack ? { fixStack: this.fixStack } : {}) }, options, body);
  }

  /** Spans the module has open (function calls and span-enter). */
  get openSpanCount(): number {
    return this.state.openSpanCount;
  }

  /** Closes every span still open (status error, close reason "dispose"). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.closeOpenSpans('dispose', 'span still open when the module instance was disposed');
    this.state.release();
  }
}
