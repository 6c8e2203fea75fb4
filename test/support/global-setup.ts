import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** One transpile cache for the whole run, inside the project (git-ignored). */
export default function setup(): void {
  const dir = join(process.cwd(), '.cache', 'test-transpile');
  mkdirSync(dir, { recursive: true });
  process.env.WASM_OTEL_CACHE_DIR = dir;
}
