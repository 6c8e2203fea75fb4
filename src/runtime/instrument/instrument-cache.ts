import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDirectory } from '../make-directory.js';
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
    const temporary = `${base}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(`${temporary}.json`, JSON.stringify(summary));
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
    const summary = JSON.parse(await readFile(`${base}.json`, 'utf8')) as CachedInstrumentation['summary'];
    const bytes = new Uint8Array(await readFile(`${base}.wasm`));
    if (bytes.length !== summary.outputBytes) return undefined;
    return { bytes, summary };
  } catch {
    return undefined;
  }
}

/** Module hash, options and rewriter: what the output depends on (also the transpile cache's key part). */
export function instrumentationKey(bytes: Uint8Array, options: InstrumentOptions): string {
  const hash = createHash('sha256').update(bytes).digest('hex');
  return `${hash}-${optionsAndRewriterKey(options)}`;
}

/** The options and the rewriter's code, hashed (16 hex digits). */
export function optionsAndRewriterKey(options: InstrumentOptions): string {
  return createHash('sha256').update(instrumentOptionsKey(options)).update(rewriterKey()).digest('hex').slice(0, 16);
}

let cachedRewriterKey: string | undefined;

/** The rewriter's source files and binaryen's version: an edited rewrite never reuses stale output. */
function rewriterKey(): string {
  if (cachedRewriterKey === undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    const extension = readdirSync(here).some((name) => name === 'instrument-module.js') ? '.js' : '.ts';
    const hash = createHash('sha256');
    for (const name of readdirSync(here).filter((file) => file.endsWith(extension) && !file.endsWith('.d.ts')).sort()) hash.update(readFileSync(join(here, name)));
    const binaryenPackage = join(dirname(fileURLToPath(import.meta.resolve('binaryen'))), 'package.json');
    hash.update((JSON.parse(readFileSync(binaryenPackage, 'utf8')) as { version: string }).version);
    cachedRewriterKey = hash.digest('hex');
  }
  return cachedRewriterKey;
}
