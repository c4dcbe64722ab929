/**
 * Reading files of a directory safely: only regular files, only inside a root (symbolic links are resolved and
 * must stay inside it), never blocking on a FIFO or a device, and never more than a limit whatever `stat` says
 * (procfs files report 0 bytes and stream without end).
 */
import type { Stats } from 'node:fs';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** One line: `does not exist`, `permission denied`, or the error's own message. */
export function describeFsError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENXIO') return 'a FIFO or socket that nobody reads';
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** Why an entry is not read as a file, in the words of a finding (`a directory, not a file`), or null for a file. */
export function notAFile(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a directory, not a file';
  if (stats.isFIFO()) return 'a FIFO (named pipe), not a file';
  if (stats.isSocket()) return 'a socket, not a file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device, not a file';
  if (stats.isSymbolicLink()) return 'a symbolic link, not a file';
  return 'not a regular file';
}

/** `child` is `root` or below it (both absolute and normalized). */
export function isInside(root: string, child: string): boolean {
  if (child === root) return true;
  return child.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

/** Where a key of a root leads: a file's resolved path, nothing, or a refusal with its reason. */
export type Resolved =
  | { readonly kind: 'path'; readonly real: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'refused'; readonly message: string };

async function isLink(file: string): Promise<boolean> {
  try {
    return (await fs.lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Resolves `file` (under `root`, whose real path is `realRoot`) through its symbolic links; refuses a path that
 * leaves the root (`where` names it in the message), a link to nothing and a loop of links. Throws other file
 * system errors.
 */
export async function resolveInside(
  root: string,
  realRoot: string,
  file: string,
  where = 'the store',
): Promise<Resolved> {
  if (!isInside(path.resolve(root), path.resolve(file)))
    return { kind: 'refused', message: `the key leads outside ${where}` };
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return { kind: 'refused', message: 'a loop of symbolic links' };
    if (code !== 'ENOENT') throw error;
    return (await isLink(file))
      ? { kind: 'refused', message: 'a symbolic link to nothing (its target does not exist)' }
      : { kind: 'missing' };
  }
  if (!isInside(realRoot, real))
    return { kind: 'refused', message: `a symbolic link that leads outside ${where} (not followed)` };
  return { kind: 'path', real };
}

/** The outcome of a bounded read of one path. */
export type BoundedRead =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array; readonly mtime: Date }
  | { readonly kind: 'too-large'; readonly size: number }
  | { readonly kind: 'refused'; readonly message: string };

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads from `handle` until end of file or past `limit` bytes, whichever comes first, in whole chunks (procfs
 * files such as pagemap refuse reads of odd sizes); `hint` sizes the first read. Keeps at most `limit` bytes
 * plus one chunk.
 */
async function readPast(handle: fs.FileHandle, limit: number, hint: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let size = Math.max(CHUNK_BYTES, hint + 1);
  while (total <= limit) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    size = CHUNK_BYTES;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads the regular file at `file`, at most `maxBytes`: the entry is checked before it is opened (a FIFO, socket
 * or device is never opened), opened non-blocking and checked again on the open handle, and read in
 * chunks that stop past `maxBytes` bytes whatever `stat` said. With `follow: false` a link at `file` itself
 * is refused (pass a path resolved by `resolveInside`). Throws the file system's errors (ENOENT, EACCES, …).
 */
export async function readBounded(file: string, maxBytes: number, follow: boolean): Promise<BoundedRead> {
  const before = follow ? await fs.stat(file) : await fs.lstat(file);
  const refusal = notAFile(before);
  if (refusal) return { kind: 'refused', message: refusal };
  if (before.size > maxBytes) return { kind: 'too-large', size: before.size };
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW);
  const handle = await fs.open(file, flags);
  try {
    const opened = await handle.stat();
    // Replaced in between by something that is not a file (a file replaced by a file is simply read).
    if (!opened.isFile()) return { kind: 'refused', message: notAFile(opened) ?? 'not a regular file' };
    const bytes = await readPast(handle, maxBytes, opened.size);
    if (bytes.byteLength > maxBytes)
      return { kind: 'too-large', size: Math.max(bytes.byteLength, opened.size) };
    return {
      kind: 'ok',
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mtime: opened.mtime,
    };
  } finally {
    await handle.close();
  }
}
