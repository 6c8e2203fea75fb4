import { createHash } from 'node:crypto';
import { readModuleInfo, type CoreModuleInfo } from '../core/module-info.js';
import { observeUsage, type ObserveUsage } from '../core/observe-imports.js';
import { interruptible } from '../runtime/guest-interrupt.js';
import { createPreview1 } from '../runtime/preview1.js';
import { moduleAttributes } from '../telemetry/host-span-attributes.js';
import { WasmOtelError, oneLine } from './errors.js';
import type { HostContext } from './host-context.js';
import type { InstantiateOptions } from './loaded-component.js';
import { ImportTracer, tracedImports } from './import-tracing.js';
import { ModuleInstance } from './module-instance.js';
import { ModuleTelemetry } from './module-telemetry.js';
import { checkPreopens } from './preopens.js';

const PREVIEW1 = 'wasi_snapshot_preview1';

/** A core WebAssembly module, compiled and checked, ready to instantiate (many times). */
export class LoadedModule {
  private constructor(
    readonly name: string,
    /** The compiled module, for your own `WebAssembly.instantiate` (with `telemetry().imports`). */
    readonly module: WebAssembly.Module,
    /** Imports, exports and function names, as read from the binary. */
    readonly info: CoreModuleInfo,
    /** The Observe families the module uses. */
    readonly observe: Readonly<ObserveUsage>,
    private readonly host: HostContext,
    /** sha256 of the module bytes, lowercase hex. */
    readonly hash: string,
  ) {}

  static async create(name: string, bytes: Uint8Array, host: HostContext): Promise<LoadedModule> {
    let info: CoreModuleInfo;
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      info = readModuleInfo(bytes);
    } catch (error) {
      throw new WasmOtelError('invalid_module', `${name} is not a valid WebAssembly module: ${oneLine(error)}`, { cause: error });
    }
    if (info.nameSectionError) host.problems.report('invalid_argument', `${name}: the name section is malformed (${info.nameSectionError}); functions after the error are named func[N]`);
    const usage = observeUsage(info);
    if ('error' in usage) throw new WasmOtelError('unsupported_import', `${name} ${usage.error}`);
    return new LoadedModule(name, module, info, usage, host, createHash('sha256').update(bytes).digest('hex'));
  }

  /** Telemetry imports for one instance you create yourself (see ModuleTelemetry). */
  telemetry(): ModuleTelemetry {
    return new ModuleTelemetry(this.name, this.info, this.observe, this.host, moduleAttributes(this.name, this.hash, this.observe));
  }

  /**
   * Instantiates the module with the Observe imports, WASI preview1 (node:wasi, sandboxed to
   * the given args, env and preopens) when it imports WASI, and `options.imports` (by module name).
   */
  async instantiate(options: InstantiateOptions = {}): Promise<ModuleInstance> {
    await checkPreopens(options.preopens);
    const telemetry = this.telemetry();
    const usesPreview1 = this.info.functionImports.some((fn) => fn.module === PREVIEW1);
    const preview1 = usesPreview1 ? await createPreview1({ args: [this.name], ...options }) : undefined;
    const wasi = preview1?.imports[PREVIEW1];
    const interrupt = this.host.interrupt;
    let imports: WebAssembly.Imports = {
      ...(wasi ? { [PREVIEW1]: interrupt ? interruptible(wasi, interrupt) : wasi } : {}),
    };
    for (const [module, values] of Object.entries(options.imports ?? {})) {
      imports[module] = { ...imports[module], ...(values as WebAssembly.ModuleImports) };
    }
    // Host calls in the trace: WASI's and the embedder's functions, as `<module>#<name>`; not the Observe API.
    if (options.traceImports) imports = tracedImports(imports as Record<string, unknown>, new ImportTracer(telemetry.state)) as WebAssembly.Imports;
    for (const [module, values] of Object.entries(telemetry.imports)) imports[module] = { ...values, ...imports[module] };
    const missing = WebAssembly.Module.imports(this.module)
      .filter((entry) => imports[entry.module]?.[entry.name] === undefined)
      .map((entry) => `${entry.module} ${entry.name}`);
    if (missing.length > 0) {
      throw new WasmOtelError('missing_import', `${this.name} imports ${missing.join(', ')}, which this host does not provide`);
    }
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(this.module, imports);
    } catch (error) {
      telemetry.dispose();
      throw new WasmOtelError('guest_trap', `${this.name} failed to instantiate: ${oneLine(error)}`, { cause: error });
    }
    telemetry.bind(instance);
    return new ModuleInstance(this.name, instance, telemetry, preview1);
  }
}
