import picomatch from 'picomatch';
import { demangle } from '../../core/demangle.js';
import { readModuleInfo, type CoreModuleInfo } from '../../core/module-info.js';
import { wasmKind } from '../wasm-kind.js';
import { loadBinaryen, type Binaryen, type BinaryenModule } from './binaryen-api.js';
import { customSectionNames, isStaleAfterRewrite, nameSection, withoutCustomSections } from './custom-sections.js';
import { ExpressionChildren } from './expression-children.js';
import { FunctionRewrite, scanBody, type BodyScan, type HookNames } from './function-rewrite.js';
import { DEFAULT_INSTRUMENT_OPTIONS, ENABLED_GLOBAL, HOOK_MODULE, type InstrumentOptions } from './instrument-options.js';

/** Why a module cannot be instrumented. */
export type InstrumentErrorCode = 'not_core_module' | 'invalid_module' | 'already_instrumented' | 'relocatable_object' | 'rewrite_failed';

export class InstrumentError extends Error {
  constructor(
    readonly code: InstrumentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InstrumentError';
  }
}

/** What the rewrite did. */
export interface InstrumentResult {
  /** The instrumented module. */
  bytes: Uint8Array;
  inputBytes: number;
  outputBytes: number;
  /** Defined functions of the module. */
  definedFunctions: number;
  /** Defined functions that call enter / exit. */
  instrumented: number;
  /** Not instrumented: name did not match `include` or matched `exclude`. */
  excluded: number;
  /** Not instrumented: a leaf under `minInstructions`. */
  tinyLeaves: number;
  /** Not instrumented: a function holding an instruction the rewriter cannot look inside (names). */
  unsupported: string[];
  /** memory.grow instructions that call the memory-grow hook first. */
  memoryGrows: number;
  /** Custom sections of the input that the output does not have (stale after the rewrite), by name. */
  droppedSections: string[];
}

const LEGACY_HOOKS = new Set(['instrument_enter', 'instrument_exit', 'instrument_memory_grow']);

/**
 * Rewrites a core module so that every defined function (as the options choose) calls
 * `dylibso:observe/instrument` `enter(i)` first and `exit(i)` on every way out, and every
 * `memory.grow` calls `memory-grow(pages)` first. `i` is the function's index in the ORIGINAL
 * module; the output's `name` section maps those indices to the original names (the three hook
 * imports come after the module's own imports, so the output's own index of a defined function
 * is 3 higher). The hooks run while the exported mutable global `wasm_otel_instrument_enabled`
 * is not 0 (it starts at 1, so hosts that do not know it trace as usual).
 */
export async function instrumentModule(bytes: Uint8Array, options: InstrumentOptions = {}): Promise<InstrumentResult> {
  const kind = wasmKind(bytes);
  if (kind === 'component') throw new InstrumentError('not_core_module', "is a component, not a core module (`wasm-otel run --instrument` instruments a component's code in memory)");
  if (kind !== 'core-module') throw new InstrumentError('not_core_module', 'is not a WebAssembly module');
  let info: CoreModuleInfo;
  let sectionNames: string[];
  try {
    // Validated first: the readers below (and binaryen, which aborts) expect a well-formed module.
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    info = readModuleInfo(bytes);
    sectionNames = customSectionNames(bytes);
  } catch (error) {
    throw new InstrumentError('invalid_module', `is not a valid WebAssembly module: ${firstLine(error)}`);
  }
  const hooked = info.functionImports.find((fn) => fn.module === HOOK_MODULE || (fn.module === 'dylibso_observe' && LEGACY_HOOKS.has(fn.name)));
  if (hooked || info.exports.some((entry) => entry.name === ENABLED_GLOBAL)) {
    const by = hooked ? `it imports ${hooked.module} ${hooked.name}` : `it exports ${ENABLED_GLOBAL}`;
    throw new InstrumentError('already_instrumented', `is already instrumented (${by}); instrument the original module`);
  }
  if (sectionNames.includes('linking')) throw new InstrumentError('relocatable_object', 'is a relocatable object file (it has a `linking` section); link it first, then instrument the linked module');
  const resolved = { ...DEFAULT_INSTRUMENT_OPTIONS, ...options };
  const selected = nameFilter(resolved.include, resolved.exclude);

  const binaryen = await loadBinaryen();
  let module: BinaryenModule;
  try {
    // Without the sections the output drops anyway (binaryen would warn about some on stdout).
    module = binaryen.readBinaryWithFeatures(withoutCustomSections(bytes, isStaleAfterRewrite), binaryen.Features.All);
  } catch (error) {
    throw new InstrumentError('invalid_module', `cannot be read by binaryen: ${firstLine(error)}`);
  }
  try {
    const result = rewrite(binaryen, module, info, resolved.minInstructions, selected);
    if (!module.validate()) throw new InstrumentError('rewrite_failed', 'the rewritten module does not validate (a wasm-otel bug: please report it with the module)');
    const written = withoutCustomSections(module.emitBinary(), isStaleAfterRewrite);
    // The module's names by original index; an unnamed exported function by its export name.
    const names = new Map(info.functionNames);
    for (const [index, name] of info.functionExportNames) if (!names.get(index)) names.set(index, name);
    const output = concat(written, nameSection(names));
    const kept = new Set(customSectionNames(output));
    const droppedSections = [...new Set(sectionNames.filter((name) => name !== 'name' && !kept.has(name)))];
    return { bytes: output, inputBytes: bytes.length, outputBytes: output.length, droppedSections, ...result };
  } finally {
    module.dispose();
  }
}

type Counts = Omit<InstrumentResult, 'bytes' | 'inputBytes' | 'outputBytes' | 'droppedSections'>;

function rewrite(binaryen: Binaryen, module: BinaryenModule, info: CoreModuleInfo, minInstructions: number, selected: (name: string) => boolean): Counts {
  const hooks: HookNames = {
    enter: 'wasm-otel$enter',
    exit: 'wasm-otel$exit',
    memoryGrow: 'wasm-otel$memory-grow',
    enabled: 'wasm-otel$enabled',
  };
  const imported = info.functionImports.length;
  const total = module.getNumFunctions();
  const functions: number[] = [];
  for (let index = 0; index < total; index++) functions.push(module.getFunctionByIndex(index));
  // binaryen keeps the module's function order, imports first: its index i is the module's.
  const importedByBinaryen = functions.filter((func) => Boolean(binaryen.getFunctionInfo(func).module)).length;
  if (importedByBinaryen !== imported || functions.slice(0, imported).some((func) => !binaryen.getFunctionInfo(func).module)) {
    throw new InstrumentError('rewrite_failed', `binaryen sees ${importedByBinaryen} function imports where the module has ${imported} (a wasm-otel bug: please report it with the module)`);
  }
  module.addFunctionImport(hooks.enter, HOOK_MODULE, 'enter', binaryen.i32, binaryen.none);
  module.addFunctionImport(hooks.exit, HOOK_MODULE, 'exit', binaryen.i32, binaryen.none);
  module.addFunctionImport(hooks.memoryGrow, HOOK_MODULE, 'memory-grow', binaryen.i32, binaryen.none);
  module.addGlobal(hooks.enabled, binaryen.i32, true, module.i32.const(1));
  module.addGlobalExport(hooks.enabled, ENABLED_GLOBAL);

  const children = new ExpressionChildren(binaryen);
  const counts: Counts = { definedFunctions: total - imported, instrumented: 0, excluded: 0, tinyLeaves: 0, unsupported: [], memoryGrows: 0 };
  const scans = new Map<number, BodyScan>();
  for (let index = imported; index < total; index++) {
    const func = functions[index]!;
    const body = { get: () => binaryen.Function.getBody(func), set: (expression: number) => binaryen.Function.setBody(func, expression) };
    scans.set(index, scanBody(binaryen, children, body));
  }
  // A module that throws anywhere may unwind any function (an import may throw too).
  const exceptions = [...scans.values()].some((scan) => scan.exceptions);
  for (let index = imported; index < total; index++) {
    const func = functions[index]!;
    const name = info.functionNames.get(index) ?? '';
    const display = name === '' ? `func[${index}]` : demangle(name);
    const scan = scans.get(index)!;
    const rewriteOf = new FunctionRewrite(binaryen, module, func, hooks);
    rewriteOf.hookMemoryGrows(scan.memoryGrows);
    counts.memoryGrows += scan.memoryGrows.length;
    if (!selected(display)) counts.excluded++;
    else if (!scan.calls && scan.instructions < minInstructions) counts.tinyLeaves++;
    else if (scan.unknownBranching !== undefined) counts.unsupported.push(display);
    else {
      rewriteOf.wrapBody(index, scan, exceptions);
      counts.instrumented++;
    }
  }
  return counts;
}

/** Whether a function of this (demangled) name is instrumented. */
function nameFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const glob = (patterns: readonly string[]) => picomatch([...patterns], { dot: true, nobrace: false, noextglob: true, posixSlashes: false });
  const included = include.length > 0 ? glob(include) : () => true;
  const excluded = exclude.length > 0 ? glob(exclude) : () => false;
  return (name) => included(name) && !excluded(name);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
