/*
 * How a file system problem is worded, everywhere a message names a path: the path as the user
 * gave it (not resolved, not quoted), then a colon and the reason in a few words, e.g.
 * `cannot read app.wasm: no such file`, `cannot preopen /data: not a directory`. Node's own
 * message (`ENOENT: no such file or directory, open '/x'`) is never printed as is: it quotes the
 * path its own way, and names the errno code. (The value of a variable or an argument is quoted
 * as a value, `NAME="..."`, whatever it holds: see badValueMessage.)
 */

/**
 * What was done with the path: read as a file, opened as a directory, or created as a directory
 * (the words for "missing" and "wrong kind" depend on it).
 */
export type PathUse = 'file' | 'directory' | 'create';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
};

/** The reason in a few words. */
export function fsReason(error: unknown, use: PathUse): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return use === 'file' ? 'no such file' : use === 'directory' ? 'no such directory' : 'no such file or directory';
  if (code === 'ENOTDIR') return use === 'create' ? 'a part of the path is not a directory' : 'not a directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EEXIST') return use === 'create' ? 'a file is in the way' : 'already exists';
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code];
  // Another errno: node's description of it, without the code and the quoted path.
  const message = error instanceof Error ? error.message : String(error);
  const described = /^[A-Z0-9_]+: ([^,]+)/.exec(message)?.[1];
  return (described ?? message).split('\n')[0]!.trim();
}

/**
 * `<path>: <reason>`, naming the path that failed: the error's own path when it is set (the
 * level of a directory tree that could not be made), else `path`.
 */
export function fsProblem(error: unknown, path: string, use: PathUse): string {
  const failed = (error as NodeJS.ErrnoException | undefined)?.path;
  return `${typeof failed === 'string' && failed !== '' ? failed : path}: ${fsReason(error, use)}`;
}
