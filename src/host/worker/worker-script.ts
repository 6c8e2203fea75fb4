import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Defined (true) by scripts/bundle.mjs in the CLI's bundle; undeclared elsewhere. */
declare const BUNDLED_CLI: boolean | undefined;

/**
 * A worker script by its path under `dist/` (`host/worker/worker-entry.js`): in the CLI's bundle,
 * the bundled entry of that name (dist/bundle/worker-entry.js); beside the built modules; when
 * this module runs from the TypeScript sources (the test suite), the built one.
 */
export function workerScript(path: string): URL {
  if (typeof BUNDLED_CLI !== 'undefined' && BUNDLED_CLI) return new URL(`../../bundle/${path.slice(path.lastIndexOf('/') + 1)}`, import.meta.url);
  const built = new URL(`../../${path}`, import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  return new URL(`../../../dist/${path}`, import.meta.url);
}
