import picomatch from 'picomatch';
import { demangle } from '../../core/demangle.js';
import { readModuleInfo, type CoreModuleInfo } from '../../core/module-info.js';
import { WasmOtelError } from '../../host/errors.js';
import { wasmKind } from '../wasm-kind.js';
import { loadBinaryen, type Binaryen, type BinaryenModule } from './binaryen-api.js';
import { customSectionNames, isStaleAfterRewrite, nameSection, withNameSection, withoutCustomSections } from './custom-sections.js';
import { ExpressionChildren } from './expression-children.js';
import { FunctionRewrite, scanBody, type BodyScan, type HookNames } from './function-rewrite.js';
import { DEFAULT_INSTRUMENT_OPTIONS, ENABLED_GLOBAL, HOOK_MODULE, INSTRUMENTED_MODULE_NAME, type InstrumentOptions } from './instrument-options.js';

/** Why a module cannot be instrumented. */
export type InstrumentErrorCode = 'not_wasm' | 'component' | 'invalid_module' | 'already_instrumented' | 'relocatable_object' | 'instrument_failed';

/** A module that cannot be instrumented: a WasmOtelError whose `reason` is the predicate (`is already instrumented (...)`). */
export class InstrumentError extends WasmOtelError {
  declare readonly code: InstrumentErrorCode;

  constructor(
    code: InstrumentErrorCode,
    /** What is wrong, as a predicate of the module: `is a component, not a core module`. */
    readonly reason: string,
    name = 'the module',
  ) {
    super(code, `${name} ${reason}`);
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
  /** Bytes of the input those sections took (part of the difference in size). */
  droppedSectionBytes: number;
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
export async function instrumentModule(bytes: Uint8Array, options: InstrumentOptions = {}, name?: string): Promise<InstrumentResult> {
  const refuse = (code: InstrumentErrorCode, reason: string): InstrumentError => new InstrumentError(code, reason, name);
  const kind = wasmKind(bytes);
  if (kind === 'component') throw refuse('component', 'is a component, not a core module (`run --instrument` and `load(file, { instrument })` instrument the code inside a component)');
  if (kind !== 'core-module') throw refuse('not_wasm', 'is not a WebAssembly module');
  const optionsProblem = instrumentOptionsProblem(options);
  if (optionsProblem !== undefined) throw new TypeError(`instrumentModule: ${optionsProblem}`);
  let info: CoreModuleInfo;
  let sectionNames: string[];
  try {
    // Validated first: the readers below (and binaryen, which aborts) expect a well-formed module.
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    info = readModuleInfo(bytes);
    sectionNames = customSectionNames(bytes);
  } catch (error) {
    throw refuse('invalid_module', `is not a valid WebAssembly module: ${firstLine(error)}`);
  }
  const hooked = info.functionImports.find((fn) => fn.module === HOOK_MODULE || (fn.module === 'dylibso_observe' && LEGACY_HOOKS.has(fn.name)));
  if (hooked || info.exports.some((entry) => entry.name === ENABLED_GLOBAL)) {
    const by = hooked ? `it imports ${hooked.module} ${hooked.name}` : `it exports ${ENABLED_GLOBAL}`;
    throw refuse('already_instrumented', `is already instrumented (${by}); instrument the original module`);
  }
  if (sectionNames.includes('linking')) throw refuse('relocatable_object', 'is a relocatable object file (it has a `linking` section); link it first, then instrument the linked module');
  const resolved = { ...DEFAULT_INSTRUMENT_OPTIONS, ...options };
  const selected = nameFilter(resolved.include, resolved.exclude);

  const binaryen = await loadBinaryen();
  let module: BinaryenModule;
  try {
    // Without the sections the output drops anyway (binaryen would warn about some on stdout).
    module = binaryen.readBinaryWithFeatures(withoutCustomSections(bytes, isStaleAfterRewrite), binaryen.Features.All);
  } catch (error) {
    throw refuse('invalid_module', `cannot be read by binaryen: ${firstLine(error)}`);
  }
  try {
    let result: Counts;
    try {
      result = rewrite(binaryen, module, info, resolved.minInstructions, selected);
    } catch (error) {
      throw refuse('instrument_failed', `could not be rewritten: ${firstLine(error)} (a wasm-otel bug: please report it with the module)`);
    }
    if (!module.validate()) throw refuse('instrument_failed', 'could not be rewritten: the output does not validate (a wasm-otel bug: please report it with the module)');
    const written = withoutCustomSections(module.emitBinary(), isStaleAfterRewrite);
    // The module's names by original index; an unnamed exported function by its export name.
    const names = new Map(info.functionNames);
    for (const [index, name] of info.functionExportNames) if (!names.get(index)) names.set(index, name);
    const output = withNameSection(written, nameSection(names, INSTRUMENTED_MODULE_NAME));
    const kept = new Set(customSectionNames(output));
    const droppedSections = [...new Set(sectionNames.filter((name) => name !== 'name' && !kept.has(name)))];
    const droppedSectionBytes = bytes.length - withoutCustomSections(bytes, (section) => droppedSections.includes(section)).length;
    return { bytes: output, inputBytes: bytes.length, outputBytes: output.length, droppedSections, droppedSectionBytes, ...result };
  } finally {
    module.dispose();
  }
}

type Counts = Omit<InstrumentResult, 'bytes' | 'inputBytes' | 'outputBytes' | 'droppedSections' | 'droppedSectionBytes'>;

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
    throw new Error(`binaryen sees ${importedByBinaryen} function imports where the module has ${imported}`);
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
    else if (scan.unknownBranching !== undefined || scan.popOperand) counts.unsupported.push(display);
    else {
      rewriteOf.wrapBody(index, scan, exceptions);
      counts.instrumented++;
    }
  }
  return counts;
}

/** What is wrong with the options (a caller's mistake, not the module's), if anything. */
export function instrumentOptionsProblem(options: InstrumentOptions): string | undefined {
  for (const key of ['include', 'exclude'] as const) {
    const globs = options[key];
    if (globs !== undefined && (!Array.isArray(globs) || globs.some((glob) => typeof glob !== 'string' || glob === ''))) return `${key} must be an array of non-empty glob strings`;
  }
  const min = options.minInstructions;
  if (min !== undefined && !(Number.isInteger(min) && min >= 0)) return `minInstructions must be a whole number >= 0, got ${String(min)}`;
  return undefined;
}

/**
 * A slash in a name is a character like any other (picomatch reads globs as paths, where `*`
 * stops at `/`): both sides get a look-alike character instead.
 */
const SLASH = /\//g;
const NOT_A_SLASH = '\u2215';

/** Whether a function of this (demangled) name is instrumented (exported for the tests). */
export { nameFilter as nameFilterFor };
function nameFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const glob = (patterns: readonly string[]) => picomatch(patterns.map((pattern) => pattern.replace(SLASH, NOT_A_SLASH)), { dot: true, nobrace: false, noextglob: true, posixSlashes: false });
  const included = include.length > 0 ? glob(include) : () => true;
  const excluded = exclude.length > 0 ? glob(exclude) : () => false;
  return (name) => {
    const plain = name.replace(SLASH, NOT_A_SLASH);
    return included(plain) && !excluded(plain);
  };
}


function firstLine(error: unknown): string {
  // binaryen.js throws plain objects with a message, or strings.
  const message = error instanceof Error ? error.message : typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
  return message.split('\n')[0]!;
}
