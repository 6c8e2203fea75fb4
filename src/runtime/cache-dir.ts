import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where transpiled components are cached: WASM_OTEL_CACHE_DIR, else $XDG_CACHE_HOME/wasm-otel,
 * else ~/.cache/wasm-otel.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WASM_OTEL_CACHE_DIR) return env.WASM_OTEL_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'wasm-otel');
}
