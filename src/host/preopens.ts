import { opendir } from 'node:fs/promises';
import { fsReason } from '../runtime/fs-reason.js';
import { WasmOtelError } from './errors.js';

/**
 * Checks every preopened host directory before a guest starts, for components (preview2-shim,
 * which would serve a missing directory silently) and core modules (node:wasi, which fails with
 * `UVWASI_ENOENT, uvwasi_init`) alike: each must be a directory this process can open. The first
 * one that is not is a WasmOtelError `invalid_preopen` naming it, e.g.
 * `cannot preopen /data: no such directory`.
 */
export async function checkPreopens(preopens: Readonly<Record<string, string>> | undefined): Promise<void> {
  for (const [guest, host] of Object.entries(preopens ?? {})) {
    try {
      await (await opendir(host)).close();
    } catch (error) {
      const at = guest === host ? '' : ` (guest path ${guest})`;
      throw new WasmOtelError('invalid_preopen', `cannot preopen ${host}${at}: ${fsReason(error, 'directory')}`, { cause: error });
    }
  }
}
