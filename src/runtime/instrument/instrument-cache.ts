import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../version.js';
import { makeDirectory } from '../make-directory.js';
import { hashSources } from '../source-hash.js';
import { instrumentModule, type InstrumentResult } from './instrument-module.js';
import { instrumentOptionsKey, type InstrumentOptions } from './instrument-options.js';

/** An instrumented module, from the rewriter or from the cache. */
export interface CachedInstrumentation {
  bytes: Uint8Array;
  /** What the rewrite did (as it was when the entry was written). */
  summary: Omit<InstrumentResult, 'bytes'>;
  fromCache: boolean;
  /** Why the cache could not be written (the result is good all the same). */
  cacheProblem?: string;
}

const SUBDIRECTORY = 'instrumented';

/**
 * `instrumentModule` with its output kept under `cacheDir/instrumented/`, keyed by the module's
 * hash, the options and the rewriter's own code: the same module is rewritten once (a large one
 * takes seconds). `cacheDir: false` always rewrites.
 */
export async function instrumentCached(bytes: Uint8Array, options: InstrumentOptions, cacheDir: string | false): Promise<CachedInstrumentation> {
  const key = instrumentationKey(bytes, options);
  const base = cacheDir === false ? undefined : join(cacheDir, SUBDIRECTORY, key);
  if (base !== undefined) {
    const cached = await readEntry(base);
    if (cached) return { ...cached, fromCache: true };
  }
  const { bytes: output, ...summary } = await instrumentModule(bytes, options);
  if (base === undefined) return { bytes: output, summary, fromCache: false };
  try {
    await makeDirectory(dirname(base));
    // Written aside, then renamed: a concurrent run never reads half an entry.
    const temporary = `${base}.${randomUUID()}.tmp`;
    await writeFile(`${temporary}.json`, JSON.stringify({ ...summary, sha256: sha256(output) }));
    await writeFile(`${temporary}.wasm`, output);
    await rename(`${temporary}.json`, `${base}.json`);
    await rename(`${temporary}.wasm`, `${base}.wasm`);
    return { bytes: output, summary, fromCache: false };
  } catch (error) {
    return { bytes: output, summary, fromCache: false, cacheProblem: (error as Error).message.split('\n')[0]! };
  }
}

async function readEntry(base: string): Promise<Omit<CachedInstrumentation, 'fromCache'> | undefined> {
  try {
    const { sha256: expected, ...summary } = JSON.parse(await readFile(`${base}.json`, 'utf8')) as CachedInstrumentation['summary'] & { sha256?: string };
    const bytes = new Uint8Array(await readFile(`${base}.wasm`));
    // A torn or edited entry is rewritten, never used.
    if (bytes.length !== summary.outputBytes || expected !== sha256(bytes)) return undefined;
    return { bytes, summary };
  } catch {
    return undefined;
  }
}

/** Module hash, options and rewriter: what the output depends on (also the transpile cache's key part). */
export function instrumentationKey(bytes: Uint8Array, options: InstrumentOptions): string {
  return `${sha256(bytes)}-${optionsAndRewriterKey(options)}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The options and the rewriter's code, hashed (16 hex digits). */
export function optionsAndRewriterKey(options: InstrumentOptions): string {
  return createHash('sha256').update(instrumentOptionsKey(options)).update(rewriterKey()).update(VERSION).digest('hex').slice(0, 16);
}

let cachedRewriterKey: string | undefined;

/**
 * The rewriter's source files and binaryen's version (with wasm-otel's own version, which covers
 * what else the output depends on: the module reader, the demangler): an edited rewrite never
 * reuses stale output.
 */
function rewriterKey(): string {
  if (cachedRewriterKey === undefined) {
    const hash = hashSources(createHash('sha256'), dirname(fileURLToPath(import.meta.url)), 'instrument-module');
    const binaryenPackage = join(dirname(fileURLToPath(import.meta.resolve('binaryen'))), 'package.json');
    hash.update((JSON.parse(readFileSync(binaryenPackage, 'utf8')) as { version: string }).version);
    cachedRewriterKey = hash.digest('hex');
  }
  return cachedRewriterKey;
}
