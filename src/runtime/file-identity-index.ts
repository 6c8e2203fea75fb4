/**
 * The transpile cache's index by file: which component (by sha256) a file on disk holds, keyed by
 * the file's identity (its real path, device, inode, size, modification and change times), so that
 * a cached component is found without reading and hashing its bytes (14 MB for a
 * componentize-js guest). Any write to the file changes its change time, and with it the
 * identity: the next load reads and hashes it again. Entries are small files under
 * `<cacheDir>/files/`; the index only saves time: whatever goes wrong with it is a miss.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeDirectory } from './make-directory.js';

const INDEX_DIR = 'files';
const HASH = /^[0-9a-f]{64}$/;

/** The identity of the file at `path` as it is now, or undefined when it cannot be read. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const stats = await stat(path, { bigint: true });
    if (!stats.isFile()) return undefined;
    return JSON.stringify([resolve(path), String(stats.dev), String(stats.ino), String(stats.size), String(stats.mtimeNs), String(stats.ctimeNs)]);
  } catch {
    return undefined;
  }
}

/** The sha256 recorded for a file identity, if any. */
export async function knownHash(cacheDir: string, identity: string): Promise<string | undefined> {
  try {
    // Only a regular file is read (a FIFO put there would block).
    const handle = await open(indexPath(cacheDir, identity), 'r');
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      const text = (await handle.readFile('utf8')).trim();
      return HASH.test(text) ? text : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Records that the file with this identity holds the component with sha256 `hash` (best effort). */
export async function rememberHash(cacheDir: string, identity: string, hash: string): Promise<void> {
  const path = indexPath(cacheDir, identity);
  const staging = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await makeDirectory(join(cacheDir, INDEX_DIR));
    await writeFile(staging, `${hash}\n`);
    await rename(staging, path);
  } catch {
    await rm(staging, { force: true }).catch(() => undefined);
  }
}

function indexPath(cacheDir: string, identity: string): string {
  return join(cacheDir, INDEX_DIR, createHash('sha256').update(identity).digest('hex').slice(0, 40));
}
