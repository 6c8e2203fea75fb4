/**
 * The transpile cache's index by file: which component (by sha256) a file on disk holds, keyed by
 * the file's identity (its real path, device, inode, size, modification and change times), so that
 * a cached component is found without reading and hashing its bytes (14 MB for a
 * componentize-js guest). Any write to the file changes its change time, and with it the
 * identity: the next load reads and hashes it again. Entries are small files under
 * `<cacheDir>/files/`; the index only saves time: whatever goes wrong with it is a miss.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeDirectory } from './make-directory.js';

const INDEX_DIR = 'files';
const HASH = /^[0-9a-f]{64}$/;

/**
 * A file written this recently may be written again within the same tick of the filesystem's
 * clock, same size, without its identity changing (git's "racily clean" case): it is not recorded.
 */
const SETTLED_MILLIS = 2000;

/** The identity of the file at `path` as it is now, or undefined when it cannot be read. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  return (await identityAndAge(path))?.identity;
}

async function identityAndAge(path: string): Promise<{ identity: string; ageMillis: number } | undefined> {
  try {
    const stats = await stat(path, { bigint: true });
    if (!stats.isFile()) return undefined;
    const identity = JSON.stringify([resolve(path), String(stats.dev), String(stats.ino), String(stats.size), String(stats.mtimeNs), String(stats.ctimeNs)]);
    return { identity, ageMillis: Date.now() - Number(stats.mtimeNs / 1_000_000n) };
  } catch {
    return undefined;
  }
}

/** The sha256 recorded for a file identity, if any. */
export async function knownHash(cacheDir: string, identity: string): Promise<string | undefined> {
  try {
    // Only a regular file is read: opened without blocking (a FIFO put there would block the
    // open itself), then checked.
    const handle = await open(indexPath(cacheDir, identity), constants.O_RDONLY | constants.O_NONBLOCK);
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

/**
 * Records that the file at `path` holds the component with sha256 `hash` (best effort), given its
 * identity from before it was read: only when the file still has that identity now (it did not
 * change while it was read) and was last changed long enough ago (SETTLED_MILLIS).
 */
export async function rememberHash(cacheDir: string, path: string, identity: string, hash: string): Promise<void> {
  const now = await identityAndAge(path);
  if (now === undefined || now.identity !== identity || now.ageMillis < SETTLED_MILLIS) return;
  await writeIndex(cacheDir, identity, hash);
}

async function writeIndex(cacheDir: string, identity: string, hash: string): Promise<void> {
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
