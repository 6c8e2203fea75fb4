import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { componentTypesOf, type ComponentTypes } from './component-types/index.js';
import { GLUE_TRANSFORM_VERSION, transformGlue } from './glue-transform.js';
import { makeDirectory } from './make-directory.js';

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

interface Manifest {
  coreModules: string[];
  imports: string[];
  witImports: string[];
  types: ComponentTypes;
  exports: [string, 'function' | 'instance'][];
  glueRewrites: string[];
}

/**
 * Transpiles a component with jco, caching the output under `cacheDir` keyed by the component's
 * hash and everything that shapes the output (jco version, options, glue transform). A cached
 * entry is reused as is; a broken one is replaced. `cacheDir: false` uses a fresh temp dir.
 */
export async function transpileComponent(bytes: Uint8Array, cacheDir: string | false): Promise<TranspiledComponent> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const key = `${hash}-${outputKey()}`;
  if (cacheDir !== false) {
    const dir = join(cacheDir, key);
    const cached = await readCached(dir);
    if (cached) return { hash, dir, entry: join(dir, ENTRY), fromCache: true, temporary: false, ...cached };
  }
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
  const types = await componentTypesOf(bytes);
  const manifest: Manifest = {
    coreModules: [...files.keys()].filter((name) => name.endsWith('.wasm')),
    imports: result.imports,
    witImports: Object.keys(types.imports),
    types,
    exports: result.exports,
    glueRewrites: manifestRewrites,
  };
  files.set(MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2)));

  if (cacheDir !== false) {
    try {
      const dir = await writeCacheEntry(cacheDir, key, files);
      return { hash, dir, entry: join(dir, ENTRY), fromCache: false, temporary: false, ...manifest };
    } catch (error) {
      // The cache only saves time: without it the component still runs.
      const dir = await writeTemporary(files);
      return { hash, dir, entry: join(dir, ENTRY), fromCache: false, temporary: true, cacheProblem: errorLine(error), ...manifest };
    }
  }
  const dir = await writeTemporary(files);
  return { hash, dir, entry: join(dir, ENTRY), fromCache: false, temporary: true, ...manifest };
}

/** Writes beside the final place, then renames: a concurrent run never sees half an entry. */
async function writeCacheEntry(cacheDir: string, key: string, files: Map<string, Uint8Array>): Promise<string> {
  const dir = join(cacheDir, key);
  await makeDirectory(cacheDir);
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeAll(staging, files);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(dir, { recursive: true, force: true });
  try {
    await rename(staging, dir);
  } catch {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

async function writeTemporary(files: Map<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wasm-otel-'));
  await writeAll(dir, files);
  return dir;
}

function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

async function writeAll(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const [name, content] of files) {
    const path = join(dir, name);
    await makeDirectory(dirname(path));
    await writeFile(path, content);
  }
}

async function readCached(dir: string): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    const complete = Array.isArray(manifest.witImports) && typeof manifest.types === 'object' && [ENTRY, ...manifest.coreModules].every((name) => existsSync(join(dir, name)));
    return complete ? manifest : undefined;
  } catch {
    return undefined;
  }
}

let cachedOutputKey: string | undefined;

/** The glue transform's source files: glue-transform and its rewrites in glue/, sorted. */
function transformFiles(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const extension = existsSync(join(here, 'glue-transform.js')) ? '.js' : '.ts';
  const rewrites = readdirSync(join(here, 'glue'))
    .filter((name) => name.endsWith(extension) && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => join(here, 'glue', name));
  return [join(here, `glue-transform${extension}`), ...rewrites];
}

/** Changes whenever the generated output could change for the same component. */
function outputKey(): string {
  if (!cachedOutputKey) {
    const pkgPath = join(dirname(fileURLToPath(import.meta.resolve('@bytecodealliance/jco-transpile'))), '..', 'package.json');
    const jcoVersion = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
    // The transform's own code is part of the key, so an edited rewrite never reuses stale glue.
    // (.js when built, .ts when run from source by the tests)
    const hash = createHash('sha256').update(JSON.stringify({ jcoVersion, TRANSPILE_OPTIONS, GLUE_TRANSFORM_VERSION }));
    for (const file of transformFiles()) hash.update(readFileSync(file));
    cachedOutputKey = hash.digest('hex').slice(0, 16);
  }
  return cachedOutputKey;
}
