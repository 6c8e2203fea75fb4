/**
 * Loads a component's transpiled glue with V8's code cache. Node 20 has no compile cache for ES
 * modules, and a componentize-js guest's glue (~600 KB, one generator function of ~500 KB that
 * instantiates the core modules) is parsed and compiled again on every run: ~80-100 ms. jco's
 * glue (instantiation mode) is an ES module only by its two `export`s, so it runs as a script
 * (vm.Script) just as well: the same code, strict, in a function of its own, with
 * `import.meta.url` given as the entry's URL. Its code cache is written beside it in the cache
 * entry once an instance was made (so that the functions instantiation compiled are in it), and
 * read on later loads; V8 rejects a cache of another Node version or other flags (it is then
 * written again). V8 checks little else (the source's length, not its text; not its own bytes), so
 * the file starts with the sha256 of the script it was made from and of the cache data: a cache
 * that does not match both is not used. Glue of another shape is imported as the ES module it is.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { constants as vmConstants, Script } from 'node:vm';

/** What the glue exports that the host calls. */
export interface Glue<Instantiate> {
  instantiate: Instantiate;
}

export interface LoadedGlue<Instantiate> {
  glue: Glue<Instantiate>;
  /** How it was loaded: 'code-cache' (compiled code reused), 'script' (compiled now), 'module' (imported). */
  loadedAs: 'code-cache' | 'script' | 'module';
  /**
   * Writes the code cache beside the glue when there is none that V8 took (best effort, once;
   * call it after the first instance is made). Resolves when written or given up.
   */
  saveCodeCache(): Promise<void>;
}

/** The file beside the glue that holds its code cache. */
export const CODE_CACHE_SUFFIX = '.v8-code-cache';

const INSTANTIATE_EXPORT = /^export function instantiate\(/gm;
const UTIL_EXPORT = /^export const _util = /gm;
const ANY_EXPORT_OR_IMPORT = /^(?:export|import)\s/gm;
const IMPORT_META = /\bimport\.meta\b/g;
const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
const URL_PARAMETER = '__wasmOtelGlueUrl';

/**
 * Loads the glue at `entry` (a file in a transpile output directory). `codeCache`: read and
 * write the code cache beside it (false for a temporary directory).
 */
export async function loadGlue<Instantiate>(entry: string, codeCache: boolean): Promise<LoadedGlue<Instantiate>> {
  const url = pathToFileURL(entry).href;
  const source = await readFile(entry, 'utf8');
  const wrapped = asScript(source);
  if (wrapped === undefined) return { glue: (await import(url)) as Glue<Instantiate>, loadedAs: 'module', saveCodeCache: async () => {} };
  const cachePath = `${entry}${CODE_CACHE_SUFFIX}`;
  const scriptHash = sha256(wrapped);
  const cachedData = codeCache ? cacheFor(await readFile(cachePath).catch(() => undefined), scriptHash) : undefined;
  let script: Script;
  try {
    // The glue's own dynamic import() (jco's fallback for loading core modules, which the host
    // never takes) resolves as it would in the module.
    script = new Script(wrapped, { filename: url, importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER, ...(cachedData !== undefined ? { cachedData } : {}) });
  } catch {
    // Not valid as a script after all (e.g. a top-level await): the module it is.
    return { glue: (await import(url)) as Glue<Instantiate>, loadedAs: 'module', saveCodeCache: async () => {} };
  }
  const run = script.runInThisContext() as (glueUrl: string) => Glue<Instantiate>;
  const glue = run(url);
  const reused = cachedData !== undefined && !script.cachedDataRejected;
  let saved = !codeCache || reused;
  return {
    glue,
    loadedAs: reused ? 'code-cache' : 'script',
    async saveCodeCache() {
      if (saved) return;
      saved = true;
      const staging = `${cachePath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        const data = script.createCachedData();
        await writeFile(staging, Buffer.concat([Buffer.from(`${CACHE_MAGIC}${scriptHash}${sha256(data)}`, 'latin1'), data]));
        await rename(staging, cachePath);
      } catch {
        // Only time is lost: the next load compiles again.
        await rm(staging, { force: true }).catch(() => undefined);
      }
    },
  };
}

const CACHE_MAGIC = 'wasm-otel glue code cache 1\n';
const HASH_LENGTH = 64;

/** The cache data in a code cache file, when the file is one for this script and its data is whole. */
function cacheFor(file: Buffer | undefined, scriptHash: string): Buffer | undefined {
  if (file === undefined) return undefined;
  const header = CACHE_MAGIC.length + 2 * HASH_LENGTH;
  if (file.length <= header || file.toString('latin1', 0, CACHE_MAGIC.length) !== CACHE_MAGIC) return undefined;
  if (file.toString('latin1', CACHE_MAGIC.length, CACHE_MAGIC.length + HASH_LENGTH) !== scriptHash) return undefined;
  const data = file.subarray(header);
  return file.toString('latin1', CACHE_MAGIC.length + HASH_LENGTH, header) === sha256(data) ? data : undefined;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The glue as a script that evaluates to a function of its URL returning its exports, when it has
 * exactly the shape jco generates (the two exports, no import statement, `import.meta` only as
 * `import.meta.url`); else undefined. The first line keeps its place (the wrapper goes before
 * it on the same line), so line numbers in stack traces stay the glue's own.
 */
export function asScript(source: string): string | undefined {
  if (count(source, INSTANTIATE_EXPORT) !== 1 || count(source, UTIL_EXPORT) !== 1 || count(source, ANY_EXPORT_OR_IMPORT) !== 2) return undefined;
  if (count(source, IMPORT_META) !== count(source, IMPORT_META_URL)) return undefined;
  const body = source.replace(INSTANTIATE_EXPORT, 'function instantiate(').replace(UTIL_EXPORT, 'const _util = ').replace(IMPORT_META_URL, URL_PARAMETER);
  return `(function (${URL_PARAMETER}) { 'use strict'; ${body}\nreturn { instantiate, _util };\n})`;
}

function count(source: string, pattern: RegExp): number {
  return source.match(pattern)?.length ?? 0;
}
