import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR_ENV = 'WASM_OTEL_CACHE_DIR';
/** The value of WASM_OTEL_CACHE_DIR that turns the cache off. */
export const CACHE_OFF = 'off';

/**
 * Where transpiled components are cached: WASM_OTEL_CACHE_DIR (`off`: no cache, false), else
 * $XDG_CACHE_HOME/wasm-otel, else ~/.cache/wasm-otel.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | false {
  const chosen = env[CACHE_DIR_ENV]?.trim();
  if (chosen === CACHE_OFF) return false;
  if (chosen) return env[CACHE_DIR_ENV]!;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'wasm-otel');
}
