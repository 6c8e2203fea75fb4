import { readFile } from 'node:fs/promises';
import { diag, type Attributes } from '@opentelemetry/api';
import { InstanceSpanState } from '../engine/index.js';
import { createObserveImports } from '../observe/imports.js';
import { observeUseOf, type ObserveUse } from '../observe/world.js';
import type { createHttpImports as CreateHttpImports } from '../http/imports.js';
import { INCOMING_HANDLER } from '../http/incoming-handler.js';
import type { ComponentRequestHandler, HttpLimits } from '../http/request-handler.js';
import type { ComponentServer, ListenAddress } from '../http/server.js';
import { createOtelImports } from '../otel/imports.js';
import { otelShapeOf, type OtelShape, type OtelShapeName } from '../otel/shapes.js';
import type { TranspiledComponent } from '../runtime/transpile.js';
import { interruptible } from '../runtime/guest-interrupt.js';
import { LIFT_BUDGET, LiftBudget } from '../runtime/lift-budget.js';
import { createWasiImports, forgetSharedStreamMarks, loadWasiShim, wasiInterfaceNames, type WasiOptions } from '../runtime/wasi-imports.js';
import { loadGlue, type LoadedGlue } from '../runtime/glue-script.js';
import { WasmOtelError, oneLine } from './errors.js';
import { componentAttributes } from '../telemetry/host-span-attributes.js';
import { unversioned } from './export-names.js';
import { GuestInstance } from './guest-instance.js';
import { ImportTracer, tracedImports } from './import-tracing.js';
import type { HostContext } from './host-context.js';
import { checkPreopens } from './preopens.js';
import { instrumentedInstantiateCore } from './component-function-hooks.js';
import { InstrumentSwitch } from './instrument-switch.js';
import { instrumentedStackFixer } from './instrumented-stack.js';
import { readModuleInfo, type CoreModuleInfo } from '../core/module-info.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>,
) => Promise<Record<string, unknown>>;

/**
 * What a component imports, worked out once at load time: its interfaces (unversioned, each
 * once) and which of our import families serve any of them, so an instance is given only those
 * (a wasi:otel guest that imports no WASI gets no preview2-shim instance, and so on).
 */
interface ImportWiring {
  names: readonly string[];
  wasi: boolean;
  http: boolean;
  otel: boolean;
  observe: boolean;
}

/** The wasi:http host's import factory, loaded with the first component that imports wasi:http. */
let createHttpImports: typeof CreateHttpImports | undefined;
/** The HTTP serving code (request handler, server), loaded with the first component that exports wasi:http/incoming-handler. */
let httpServing: (typeof import('../http/request-handler.js') & typeof import('../http/server.js')) | undefined;

function importWiring(imports: readonly string[]): ImportWiring {
  const names = [...new Set(imports.map(unversioned))];
  const wasi = wasiInterfaceNames();
  return {
    names,
    wasi: names.some((name) => wasi.has(name)),
    http: names.some((name) => name.startsWith('wasi:http/')),
    otel: names.some((name) => name.startsWith('wasi:otel/')),
    observe: names.some((name) => name.startsWith('wasi:observe/') || name.startsWith('wasi:logging/')),
  };
}

/** The component's instrumented guest core module (see transpileComponent's `instrument`). */
interface InstrumentedModule {
  module: WebAssembly.Module;
  info: CoreModuleInfo;
}

export interface InstantiateOptions extends WasiOptions {
  /** More imports, by interface name (unversioned, e.g. `my:pkg/iface`); they win over ours. */
  imports?: Record<string, unknown>;
  /**
   * Advanced: a shared flag for this instance instead of the host's (see HostOptions.interrupt);
   * the HTTP server's request timeout unwinds a guest through it.
   */
  interrupt?: Int32Array;
  /**
   * A span for every call the guest makes into a host import (WASI, wasi:http and `imports`
   * alike; not the telemetry interfaces), named `<interface>#<function>` as the WIT names it
   * (`fermyon:spin/key-value#[method]store.get`), a child of the guest's innermost open span.
   * Resource constructors too (`[constructor]fields`). For a core module: WASI preview1's and
   * `imports`' functions (`wasi_snapshot_preview1#fd_write`), not the Observe API. Default false.
   */
  traceImports?: boolean;
}

/** Options for serving a `wasi:http` component (each request's instance gets the WASI options). */
export interface ServeOptions extends Omit<InstantiateOptions, 'interrupt'> {
  /** Request limits (body size, timeout); see DEFAULT_HTTP_LIMITS. */
  limits?: Partial<HttpLimits>;
  /**
   * Reuse an instance that answered for the next request. Default false: a fresh instance per
   * request, as wasi:http hosts do (componentize-js guests need it); see InstancePool.
   */
  reuseInstances?: boolean;
  /** Called after each request is answered (e.g. to flush telemetry soon). */
  onResponse?: () => void;
}

/** A component ready to instantiate: transpiled, glue imported, core modules compiled. */
export class LoadedComponent {
  private constructor(
    readonly name: string,
    readonly transpiled: TranspiledComponent,
    private readonly glue: LoadedGlue<Instantiate>,
    private readonly modules: Map<string, WebAssembly.Module>,
    private readonly host: HostContext,
    private readonly otel: OtelShape | undefined,
    private readonly observe: ObserveUse | undefined,
    private readonly instrumented: InstrumentedModule | undefined,
  ) {
    this.wiring = importWiring(transpiled.imports);
    this.attributes = Object.freeze(componentAttributes(name, transpiled.hash, otel?.name, otel?.version));
  }

  private readonly wiring: ImportWiring;
  /** What every host span of its instances carries: name, kind, sha256, wasi:otel shape. */
  private readonly attributes: Attributes;

  static async create(name: string, transpiled: TranspiledComponent, host: HostContext): Promise<LoadedComponent> {
    const recognised = otelShapeOf(transpiled.types.imports);
    if ('error' in recognised) throw new WasmOtelError('unsupported_shape', `${name} ${recognised.error}`);
    const { shape } = recognised;
    const observe = observeUseOf(transpiled.types.imports);
    if ('error' in observe) throw new WasmOtelError('unsupported_shape', `${name} ${observe.error}`);
    if (shape?.recognisedBy) diag.info(`wasm-otel: ${name}: ${shape.recognisedBy}: served as ${shape.name}`);
    if (transpiled.witImports.some((wit) => /^wasi:(?:otel|observe)\//.test(wit)) && !transpiled.glueRewrites.includes('lift-budget')) {
      // The glue did not take the rewrite (a jco whose output differs): lifting is unbounded.
      diag.warn(`wasm-otel: ${name}: the transpiled glue could not be given the record budget (WASM_OTEL_MAX_RECORD_BYTES): a huge record from this guest is lifted whole before it is cut`);
    }
    // preview2-shim (which names the WASI interfaces it serves) and the wasi:http host: loaded for components only, the host only for one that imports wasi:http.
    await loadWasiShim();
    if (transpiled.imports.some((name) => name.startsWith('wasi:http/'))) createHttpImports ??= (await import('../http/imports.js')).createHttpImports;
    if (transpiled.exports.some(([key, kind]) => kind === 'instance' && unversioned(key) === INCOMING_HANDLER)) {
      httpServing ??= { ...(await import('../http/request-handler.js')), ...(await import('../http/server.js')) };
    }
    try {
      // As a script with V8's code cache when it has jco's shape (see glue-script.ts); the cache is kept in the cache entry only.
      const glue = await loadGlue<Instantiate>(transpiled.entry, !transpiled.temporary);
      const modules = new Map<string, WebAssembly.Module>();
      let instrumented: InstrumentedModule | undefined;
      for (const file of transpiled.coreModules) {
        const bytes = await readFile(`${transpiled.dir}/${file}`);
        const module = await WebAssembly.compile(bytes);
        modules.set(file, module);
        if (transpiled.instrumented.some((entry) => entry.file === file)) instrumented = { module, info: readModuleInfo(bytes) };
      }
      return new LoadedComponent(name, transpiled, glue, modules, host, shape, observe.use, instrumented);
    } catch (error) {
      throw new WasmOtelError('transpile_failed', `cannot prepare ${name}: ${oneLine(error)}`, { cause: error });
    }
  }

  /**
   * The shape of `wasi:otel` the component was built against (`'draft-2025-03'`, ..., `'rc.2'`,
   * `'main'`), recognised by the functions it imports; undefined when it imports no wasi:otel.
   */
  get shape(): OtelShapeName | undefined {
    return this.otel?.name;
  }

  /**
   * The interfaces of the wasi:observe world the component imports (`['wasi:logging/logging',
   * 'wasi:observe/tracer']`, unversioned, sorted); empty when it imports none.
   */
  get observeInterfaces(): readonly string[] {
    return this.observe?.interfaces ?? [];
  }

  /** The wasi:otel package version the component imports (`'0.2.0-rc.2'`), if any. */
  get otelVersion(): string | undefined {
    return this.otel?.version;
  }

  /** sha256 of the component. */
  get hash(): string {
    return this.transpiled.hash;
  }

  /** True when the transpiled output came from the cache. */
  get fromCache(): boolean {
    return this.transpiled.fromCache;
  }

  /** True when the component exports `wasi:http/incoming-handler` (it can be served). */
  get servesHttp(): boolean {
    return this.transpiled.exports.some(([key, kind]) => kind === 'instance' && unversioned(key) === INCOMING_HANDLER);
  }

  /**
   * A Node `request` listener that serves the component's `wasi:http/incoming-handler`, for an
   * app's own `http.Server`: one server span per request (kind server, HTTP conventions), its
   * parent read from the request's headers through the host's propagator; instances are kept
   * and reused, a fresh one after a trap or timeout (see InstancePool). Call `close()` when done.
   */
  requestHandler(options: ServeOptions = {}): ComponentRequestHandler {
    if (!this.servesHttp) throw new WasmOtelError('unknown_export', `${this.name} does not export wasi:http/incoming-handler, so it cannot be served`);
    return httpServing!.createRequestHandler({
      name: this.name,
      instantiate: (interrupt) => this.instantiate({ ...wasiOptionsOf(options), interrupt }),
      problems: this.host.problems,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.reuseInstances ? { reuseInstances: true } : {}),
      ...(options.onResponse ? { onResponse: options.onResponse } : {}),
      ...(this.host.propagator ? { propagator: this.host.propagator } : {}),
    });
  }

  /**
   * Serves the component over HTTP on `listen` (default 127.0.0.1:8080; port 0 picks one). An
   * instance is made before it resolves, so a component that cannot start fails here.
   */
  async serve(options: ServeOptions & { listen?: ListenAddress } = {}): Promise<ComponentServer> {
    const handler = this.requestHandler(options);
    try {
      await handler.warm();
    } catch (error) {
      await handler.close();
      throw error;
    }
    const requestTimeoutMillis = options.limits?.requestTimeoutMillis ?? httpServing!.DEFAULT_HTTP_LIMITS.requestTimeoutMillis;
    try {
      return await httpServing!.startServer(handler, { ...(options.listen !== undefined ? { listen: options.listen } : {}), requestTimeoutMillis, problems: this.host.problems });
    } catch (error) {
      await handler.close();
      throw error;
    }
  }

  /** Instantiates the component with wasi:otel, wasi:observe, wasi:logging, preview2-shim's WASI and `options.imports`. */
  async instantiate(options: InstantiateOptions = {}): Promise<GuestInstance> {
    if (options.preopens !== undefined) await checkPreopens(options.preopens);
    this.host.telemetry.refresh();
    const wiring = this.wiring;
    const state = new InstanceSpanState(this.host.pipeline, this.host.limits, this.host.problems, this.host.caches.scopes, this.host.instances);
    const lift = new LiftBudget(this.host.limits.maxRecordBytes);
    const otel: Record<string, object> = wiring.otel ? createOtelImports({
      state,
      limits: this.host.limits,
      problems: this.host.problems,
      currentSpanIsHostSpan: this.otel?.currentSpanIsHostSpan ?? false,
      metrics: this.host.metrics,
      logs: this.host.logs,
      caches: this.host.caches,
      lift,
    }) : {};
    const interrupt = options.interrupt ?? this.host.interrupt;
    const observe: Record<string, object> = wiring.observe ? createObserveImports({
      state,
      limits: this.host.limits,
      problems: this.host.problems,
      logs: this.host.logs,
      caches: this.host.caches,
      lift,
      interrupt,
    }) : {};
    const shim = wiring.wasi ? createWasiImports({ args: [this.name], ...options }) : undefined;
    const wasi: Record<string, unknown> = {
      ...shim,
      ...(wiring.http ? createHttpImports!({ state, problems: this.host.problems, ...(this.host.propagator ? { propagator: this.host.propagator } : {}) }) : {}),
    };
    // Interruptible (a worker's run stopped by a signal): the telemetry imports and WASI's functions
    // (the span resource's methods check the flag themselves), of the interfaces the component
    // imports (the glue reads no other).
    if (interrupt) {
      for (const name of wiring.names) {
        for (const family of [otel, observe, wasi] as Record<string, unknown>[]) {
          const functions = family[name];
          if (typeof functions === 'object' && functions !== null) family[name] = interruptible(functions, interrupt);
        }
      }
    }
    const importTracer = options.traceImports ? new ImportTracer(state) : undefined;
    const served = { ...wasi, ...otel, ...observe, ...(options.imports ?? {}) };
    const imports: Record<string | symbol, unknown> = {
      ...(importTracer ? tracedImports(served, importTracer) : served),
      [LIFT_BUDGET]: lift,
    };
    const missing = wiring.names.filter((name) => !(name in imports));
    if (missing.length > 0) {
      throw new WasmOtelError('missing_import', `${this.name} imports ${missing.join(', ')}, which this host does not provide`);
    }
    // An instrumented guest module gets its hooks, and its in-module switch follows the host's tracing at every call.
    const instrumentSwitch = this.instrumented ? new InstrumentSwitch(this.host.telemetry) : undefined;
    const instantiateCore = this.instrumented && instrumentSwitch ? instrumentedInstantiateCore(this.instrumented, state, this.host, instrumentSwitch, interrupt) : undefined;
    const telemetry = instrumentSwitch ? switchingTelemetry(this.host.telemetry, instrumentSwitch) : this.host.telemetry;
    try {
      const exports = await this.glue.glue.instantiate((file) => this.modules.get(file)!, imports, ...(instantiateCore ? [instantiateCore] : []));
      // Now that instantiating has compiled the glue's generator, its code is worth caching (once).
      await this.glue.saveCodeCache();
      const fixStack = this.instrumented ? instrumentedStackFixer(this.instrumented.info) : undefined;
      const release = shim ? () => forgetSharedStreamMarks(shim) : undefined;
      return new GuestInstance(this.name, exports, this.transpiled.exports, state, telemetry, this.transpiled.types.exports, this.attributes, importTracer, fixStack, release);
    } catch (error) {
      throw new WasmOtelError('guest_trap', `${this.name} failed to instantiate: ${oneLine(error)}`, { cause: error });
    }
  }
}

/** The host's telemetry for calls into an instance, syncing its instrumented module's switch at each call. */
function switchingTelemetry(telemetry: HostContext['telemetry'], instrumentSwitch: InstrumentSwitch): Pick<HostContext['telemetry'], 'tracerForCall'> {
  return {
    tracerForCall: (guest) => {
      const tracer = telemetry.tracerForCall(guest);
      instrumentSwitch.sync();
      return tracer;
    },
  };
}

/** The instantiate options within serve options. */
function wasiOptionsOf(options: ServeOptions): InstantiateOptions {
  const { limits: _limits, reuseInstances: _reuse, onResponse: _onResponse, ...rest } = options as ServeOptions & { listen?: unknown };
  delete (rest as { listen?: unknown }).listen;
  return rest;
}
