import wasmparser from 'wasmparser';

const { BinaryReader } = wasmparser;

/** One function import of a core module, with its signature. */
export interface FunctionImport {
  module: string;
  name: string;
  /** Function index (imports are numbered first, in order). */
  index: number;
  params: ValueType[];
  results: ValueType[];
}

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

/** What the host needs to know of a core module before instantiating it. */
export interface CoreModuleInfo {
  functionImports: FunctionImport[];
  /** Names of every export, by kind. */
  exports: { name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag' }[];
  /** Signatures of the exported functions, by export name. */
  functionExports: Map<string, { params: ValueType[]; results: ValueType[] }>;
  /** The first export name of each exported function, by function index. */
  functionExportNames: Map<number, string>;
  /** Function names from the `name` section (function index -> name); empty without one. */
  functionNames: Map<number, string>;
  /** Why the `name` section could not be read to its end (names read before it are kept). */
  nameSectionError?: string;
}

// wasmparser's states and codes (its enums are `const enum`s, not importable as values here).
const BEGIN_SECTION = 3;
const TYPE_SECTION_ENTRY = 11;
const IMPORT_SECTION_ENTRY = 12;
const FUNCTION_SECTION_ENTRY = 13;
const EXPORT_SECTION_ENTRY = 17;
const NAME_SECTION_ENTRY = 19;
const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_EXPORT = 7;
const SECTION_CUSTOM = 0;
const KIND_FUNCTION = 0;
const NAME_TYPE_FUNCTION = 1;
const EXPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;
const VALUE_TYPES: Record<number, ValueType> = { [-1]: 'i32', [-2]: 'i64', [-3]: 'f32', [-4]: 'f64', [-5]: 'v128' };

const utf8 = new TextDecoder();

/**
 * Reads the types, imports, exports and function names of a core module with `wasmparser`,
 * skipping code and data. Throws (with wasmparser's message) when the binary is malformed.
 */
export function readModuleInfo(bytes: Uint8Array): CoreModuleInfo {
  const reader = new BinaryReader();
  // wasmparser reads from offset 0 to `length` of the buffer it is given: a view into a larger
  // buffer (a small Buffer from readFileSync lives in Node's shared pool) is copied first.
  const data = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  reader.setData(data.buffer as ArrayBuffer, 0, data.byteLength);
  const types: { params: ValueType[]; results: ValueType[] }[] = [];
  const info: CoreModuleInfo = { functionImports: [], exports: [], functionExports: new Map(), functionExportNames: new Map(), functionNames: new Map() };
  /** Type index of every function, imported ones first. */
  const functionTypes: number[] = [];
  let functionIndex = 0;
  let inNameSection = false;
  for (;;) {
    if (!reader.read()) {
      if (reader.state !== -1) break;
      const message = reader.error?.message ?? 'malformed module';
      // Engines ignore a malformed name section; so does the host (without the names after it).
      if (!inNameSection) throw new Error(message);
      info.nameSectionError = message;
      break;
    }
    switch (reader.state) {
      case BEGIN_SECTION: {
        const section = reader.result as { id: number; name?: Uint8Array };
        inNameSection = section.id === SECTION_CUSTOM && section.name !== undefined && utf8.decode(section.name) === 'name';
        const wanted = section.id === SECTION_TYPE || section.id === SECTION_IMPORT || section.id === SECTION_FUNCTION || section.id === SECTION_EXPORT || inNameSection;
        if (!wanted) reader.skipSection();
        break;
      }
      case TYPE_SECTION_ENTRY: {
        const entry = reader.result as { params?: { kind: number }[]; returns?: { kind: number }[] };
        types.push({ params: (entry.params ?? []).map(valueType), results: (entry.returns ?? []).map(valueType) });
        break;
      }
      case IMPORT_SECTION_ENTRY: {
        const entry = reader.result as { module: Uint8Array; field: Uint8Array; kind: number; funcTypeIndex?: number };
        if (entry.kind !== KIND_FUNCTION) break;
        const type = types[entry.funcTypeIndex ?? -1] ?? { params: [], results: [] };
        functionTypes.push(entry.funcTypeIndex ?? -1);
        info.functionImports.push({ module: utf8.decode(entry.module), name: utf8.decode(entry.field), index: functionIndex++, ...type });
        break;
      }
      case FUNCTION_SECTION_ENTRY:
        functionTypes.push((reader.result as { typeIndex: number }).typeIndex);
        break;
      case EXPORT_SECTION_ENTRY: {
        const entry = reader.result as { field: Uint8Array; kind: number; index: number };
        const name = utf8.decode(entry.field);
        info.exports.push({ name, kind: EXPORT_KINDS[entry.kind] ?? 'tag' });
        const type = entry.kind === KIND_FUNCTION ? types[functionTypes[entry.index] ?? -1] : undefined;
        if (type) info.functionExports.set(name, type);
        if (entry.kind === KIND_FUNCTION && !info.functionExportNames.has(entry.index)) info.functionExportNames.set(entry.index, name);
        break;
      }
      case NAME_SECTION_ENTRY: {
        const entry = reader.result as { type: number; names?: { index: number; name: Uint8Array }[] };
        if (entry.type !== NAME_TYPE_FUNCTION) break;
        for (const naming of entry.names ?? []) info.functionNames.set(naming.index, utf8.decode(naming.name));
        break;
      }
    }
  }
  return info;
}

function valueType(type: { kind: number }): ValueType {
  return VALUE_TYPES[type.kind] ?? 'ref';
}
