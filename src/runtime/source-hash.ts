import type { Hash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Adds a directory's own source files to a cache key's hash (`.js` when built, `.ts` when the
 * tests run the sources; `.d.ts` left out), sorted: code that shapes cached output is part of
 * the key, so an edit never reuses stale output. `marker` is a file that exists only when built.
 */
export function hashSources(hash: Hash, dir: string, marker: string): Hash {
  const extension = existsSync(join(dir, `${marker}.js`)) ? '.js' : '.ts';
  for (const name of readdirSync(dir).filter((file) => file.endsWith(extension) && !file.endsWith('.d.ts')).sort()) hash.update(readFileSync(join(dir, name)));
  return hash;
}
