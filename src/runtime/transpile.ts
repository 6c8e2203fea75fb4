import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag } from '@opentelemetry/api';
import type { transpileBytes } from '@bytecodealliance/jco-transpile';
import { componentTypesOf, type ComponentTypes } from './component-types/index.js';
import { fsProblem } from './fs-reason.js';
import { GLUE_TRANSFORM_VERSION, transformGlue } from './glue-transform.js';
import { InstrumentError, instrumentModule, type InstrumentResult } from './instrument/instrument-module.js';
import { optionsAndRewriterKey } from './instrument/instrument-cache.js';
import type { InstrumentOptions } from './instrument/instrument-options.js';
import { makeDirectory } from './make-directory.js';
import { hashSources } from './source-hash.js';

/** A component transpiled to JS glue plus core wasm files, on disk so Node can import it. */
export interface TranspiledComponent {
  /** sha256 of the component bytes. */
  hash: string;
  /** Directory holding the generated files. */
  dir: string;
  /** Absolute path of the generated ES module (exports `instantiate`). */
  entry: string;
  /** Names of the core wasm files the glue asks for. */
  coreModules: string[];
  /** Interfaces the component imports, as jco's glue looks them up (unversioned). */
  imports: string[];
  /** Interfaces the component imports, with their versions (from the component's WIT). */
  witImports: string[];
  /** The functions of its imported interfaces and its root function exports, with their WIT signatures. */
  types: ComponentTypes;
  /** Root exports: functions and exported interface instances. */
  exports: [string, 'function' | 'instance'][];
  /** True when this came from the cache without transpiling. */
  fromCache: boolean;
  /** The glue rewrites that were applied (see glue-transform.ts). */
  glueRewrites: string[];
  /** Core modules rewritten by the instrumenter (`instrument` option), with what the rewrite did. */
  instrumented: InstrumentedCoreModule[];
  /** True when `dir` is a temporary directory, to be removed once the glue is imported. */
  temporary: boolean;
  /** Why the cache could not be used (the output went to a temporary directory instead). */
  cacheProblem?: string;
}

type TranspilationOptions = NonNullable<Parameters<typeof transpileBytes>[1]>;

const ENTRY = 'component.js';
const MANIFEST = 'manifest.json';

/** Transpile options: instantiation mode (we pass the imports), no WASI mapping (we provide it). */
const TRANSPILE_OPTIONS: TranspilationOptions = {
  name: 'component',
  instantiation: 'async',
  noComponentErrorWrapping: false,
  emitTypescriptDeclarations: false,
};

/** A core module of a component that the instrumenter rewrote. */
export interface InstrumentedCoreModule {
  file: string;
  summary: Omit<InstrumentResult, 'bytes'>;
}

interface Manifest {
  coreModules: string[];
  instrumented: InstrumentedCoreModule[];
  imports: string[];
  witImports: string[];
  types: ComponentTypes;
  exports: [string, 'function' | 'instance'][];
  glueRewrites: string[];
}

/** Called just before jco starts on a component that was not in the cache; the function it returns, when it is done. */
export type TranspileStart = (willCache: boolean) => (() => void) | void;

/**
 * Transpiles a component with jco, caching the output under `cacheDir` keyed by the component's
 * hash and everything that shapes the output (jco version, options, glue transform). A cached
 * entry is reused as is; a broken one is replaced. `cacheDir: false` uses a fresh temp dir.
 * The cache only saves time: when it cannot be used (a directory that cannot be made or written,
 * a file in the way) the output goes to a temp dir too and `cacheProblem` says why. Nothing here
 * waits without bound: directories are made one level at a time (see makeDirectory), and only
 * regular files are read from the cache.
 */
export async function transpileComponent(bytes: Uint8Array, cacheDir: string | false, onStart?: TranspileStart, instrument?: InstrumentOptions): Promise<TranspiledComponent> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const key = entryKey(hash, instrument);
  let staging: string | undefined;
  let cacheProblem: string | undefined;
  if (cacheDir !== false) {
    const dir = join(cacheDir, key);
    const cached = await cachedTranspile(hash, cacheDir, instrument);
    if (cached) return cached;
    // Where the output will go, made before transpiling: whether it can be cached is known up front.
    try {
      await makeDirectory(cacheDir);
      staging = await mkdtemp(`${dir}.tmp-`);
    } catch (error) {
      cacheProblem = `cannot create ${fsProblem(error, cacheDir, 'create')}`;
    }
  }
  const done = onStart?.(staging !== undefined);
  let output: { files: Map<string, Uint8Array>; manifest: Manifest };
  try {
    output = await transpileFiles(bytes, instrument);
  } catch (error) {
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    done?.();
  }
  const { files, manifest } = output;
  if (staging !== undefined && cacheDir !== false) {
    const placed = await placeCacheEntry(staging, join(cacheDir, key), files);
    if (typeof placed !== 'string') return { hash, dir: placed.dir, entry: join(placed.dir, ENTRY), fromCache: false, temporary: placed.temporary, ...manifest };
    cacheProblem = placed;
  }
  const dir = await writeTemporary(files);
  return { hash, dir, entry: join(dir, ENTRY), fromCache: false, temporary: true, ...(cacheProblem !== undefined ? { cacheProblem } : {}), ...manifest };
}

/** The cache entry of a component (by its sha256) with these options, when there is a complete one. */
export async function cachedTranspile(hash: string, cacheDir: string, instrument?: InstrumentOptions): Promise<TranspiledComponent | undefined> {
  const dir = join(cacheDir, entryKey(hash, instrument));
  const cached = await readCached(dir);
  return cached ? { hash, dir, entry: join(dir, ENTRY), fromCache: true, temporary: false, ...cached } : undefined;
}

/** A cache entry's name: the component's hash and what shapes the output (instrumented output is an entry of its own, keyed by the options and the rewriter too). */
function entryKey(hash: string, instrument: InstrumentOptions | undefined): string {
  return `${hash}-${outputKey()}${instrument ? `-instrumented-${optionsAndRewriterKey(instrument)}` : ''}`;
}

/** jco's output with the glue rewritten, and the manifest that describes it. */
async function transpileFiles(bytes: Uint8Array, instrument: InstrumentOptions | undefined): Promise<{ files: Map<string, Uint8Array>; manifest: Manifest }> {
  // jco (and its own wasm) is loaded only when a component is not in the cache.
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const result = await transpileBytes(bytes, TRANSPILE_OPTIONS);
  const files = new Map<string, Uint8Array>();
  let manifestRewrites: string[] = [];
  for (const [name, content] of Object.entries(result.files)) {
    if (name.endsWith('.d.ts')) continue;
    if (name === `${TRANSPILE_OPTIONS.name}.js`) {
      const glue = transformGlue(Buffer.from(content).toString('utf8'));
      manifestRewrites = glue.applied;
      files.set(ENTRY, Buffer.from(glue.source, 'utf8'));
    } else {
      files.set(name, content);
    }
  }
  const types = await typesOrFallback(bytes);
  const coreModules = [...files.keys()].filter((name) => name.endsWith('.wasm'));
  const instrumented: InstrumentedCoreModule[] = [];
  if (instrument) {
    for (const file of coreModules) {
      if (!(await isGuestCode(files.get(file)!))) continue;
      let rewrite: InstrumentResult;
      try {
        rewrite = await instrumentModule(files.get(file)!, instrument, file);
      } catch (error) {
        // Its code has the hooks already (built that way): it runs as it is.
        if (error instanceof InstrumentError && error.code === 'already_instrumented') break;
        throw error;
      }
      const { bytes: rewritten, ...summary } = rewrite;
      files.set(file, rewritten);
      instrumented.push({ file, summary });
      // One per component: the engine follows one module's function indices per instance.
      break;
    }
  }
  const manifest: Manifest = {
    coreModules,
    instrumented,
    imports: result.imports,
    witImports: Object.keys(types.imports),
    types,
    exports: result.exports,
    glueRewrites: manifestRewrites,
  };
  // Compact: a later run reads it first thing (indented, the types of a big component take 5x the bytes).
  files.set(MANIFEST, Buffer.from(JSON.stringify(manifest)));
  return { files, manifest };
}

/**
 * Writes the files into the staging directory, then renames it into place: a concurrent run never
 * sees half an entry. Returns where the output is (the staging directory itself, as a temporary
 * one, when it cannot be renamed and no other run put a complete entry there), or why the cache
 * could not take it (the staging directory is removed then).
 */
async function placeCacheEntry(staging: string, dir: string, files: Map<string, Uint8Array>): Promise<{ dir: string; temporary: boolean } | string> {
  try {
    await writeAll(staging, files);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    return `cannot write ${fsProblem(error, staging, 'file')}`;
  }
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  try {
    await rename(staging, dir);
    return { dir, temporary: false };
  } catch {
    // Another run may have put the same entry there first: use it, else this one's output.
    if (await readCached(dir)) {
      await rm(staging, { recursive: true, force: true });
      return { dir, temporary: false };
    }
    return { dir: staging, temporary: true };
  }
}

async function writeTemporary(files: Map<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wasm-otel-'));
  await writeAll(dir, files);
  return dir;
}

/**
 * The guest's own code among a component's core modules: the module that defines the memory
 * (exports one, imports none). The others are the adapters and the shims wit-component makes
 * (indirect-call trampolines, fixups), whose functions are not the guest's.
 */
async function isGuestCode(bytes: Uint8Array): Promise<boolean> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  return WebAssembly.Module.exports(module).some((entry) => entry.kind === 'memory') && !WebAssembly.Module.imports(module).some((entry) => entry.kind === 'memory');
}

/**
 * The entry's own package.json: jco's glue is an ES module in `.js` files, which Node would read
 * as CommonJS under a `"type": "commonjs"` package.json above the cache directory.
 */
const PACKAGE_JSON = 'package.json';
const PACKAGE_JSON_TEXT = '{ "type": "module" }\n';

async function writeAll(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const [name, content] of files) {
    const path = join(dir, name);
    await makeDirectory(dirname(path));
    await writeFile(path, content);
  }
  await writeFile(join(dir, PACKAGE_JSON), PACKAGE_JSON_TEXT);
}

/** A complete cache entry's manifest, else undefined. Only regular files are read (a FIFO would block). */
async function readCached(dir: string): Promise<Manifest | undefined> {
  try {
    const path = join(dir, MANIFEST);
    if (!(await stat(path)).isFile()) return undefined;
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    manifest.instrumented ??= []; // entries written before instrumentation existed
    if (!Array.isArray(manifest.witImports) || !Array.isArray(manifest.instrumented) || typeof manifest.types !== 'object' || !Array.isArray(manifest.coreModules)) return undefined;
    for (const name of [ENTRY, PACKAGE_JSON, ...manifest.coreModules]) if (!(await stat(join(dir, name))).isFile()) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

let cachedOutputKey: string | undefined;

/** Changes whenever the generated output could change for the same component. */
function outputKey(): string {
  if (!cachedOutputKey) {
    const pkgPath = join(dirname(fileURLToPath(import.meta.resolve('@bytecodealliance/jco-transpile'))), '..', 'package.json');
    const jcoVersion = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
    // The transform's own code is part of the key, so an edited rewrite never reuses stale glue.
    // (.js when built, .ts when run from source by the tests)
    const hash = createHash('sha256').update(JSON.stringify({ jcoVersion, TRANSPILE_OPTIONS, GLUE_TRANSFORM_VERSION }));
    const here = dirname(fileURLToPath(import.meta.url));
    hash.update(readFileSync(join(here, `glue-transform${existsSync(join(here, 'glue-transform.js')) ? '.js' : '.ts'}`)));
    hashSources(hash, join(here, 'glue'), 'lift-budget');
    cachedOutputKey = hash.digest('hex').slice(0, 16);
  }
  return cachedOutputKey;
}

/**
 * The component's types; if they cannot be read (a component text our reader does not know), its
 * imported interfaces from its WIT without their functions: the shape then goes by version, and
 * exports take no checked arguments. Said once at warn, never a failed load.
 */
async function typesOrFallback(bytes: Uint8Array): Promise<ComponentTypes> {
  try {
    return await componentTypesOf(bytes);
  } catch (error) {
    diag.warn(`wasm-otel: the types of a component could not be read (${oneLineOf(error)}): its wasi:otel shape goes by version and its exports' arguments are not checked`);
    const { componentWit } = await import('@bytecodealliance/jco-transpile/wasm-tools');
    const wit = await componentWit(bytes);
    const imports = [...wit.matchAll(/^\s*import ([^\s:;]+:[^\s;]+);$/gm)].map((match) => [match[1]!, {}] as const);
    return { imports: Object.fromEntries(imports), exports: {} };
  }
}

function oneLineOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
