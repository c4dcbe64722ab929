/**
 * Writing files of a directory safely: folders made one level at a time (Node 20's recursive `mkdir` spins for
 * ever on procfs), atomic replacement through a temporary file created exclusively, appends that never block on
 * a FIFO, and the detection of kernel pseudo file systems (procfs, sysfs, …) that cannot hold our files.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeFsError, errorCode, isInside } from './fs-read';

/** Folders that could not be made, with the folder named. */
class FolderError extends Error {
  constructor(folder: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot create the folder ${folder} (${reason})`, options);
  }
}

/** The missing folders of `dir`, outermost first, and its nearest existing ancestor (which must be a folder). */
async function missingFolders(dir: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      const stats = await fs.stat(current);
      if (!stats.isDirectory()) throw new FolderError(current, 'a file is in the way');
      return { existing: current, missing: missing.reverse() };
    } catch (error) {
      if (error instanceof FolderError) throw error;
      if (errorCode(error) !== 'ENOENT' || path.dirname(current) === current)
        throw new FolderError(current, describeFsError(error), { cause: error });
    }
    missing.push(current);
  }
}

/** Refuses a folder under `root` that really lies elsewhere (a symbolic link on the way). */
async function checkInside(root: string, folder: string): Promise<void> {
  const resolvedRoot = path.resolve(root);
  if (!isInside(resolvedRoot, folder)) return;
  const [realRoot, realFolder] = await Promise.all([fs.realpath(resolvedRoot), fs.realpath(folder)]);
  if (!isInside(realRoot, realFolder))
    throw new FolderError(folder, `it leads outside ${resolvedRoot} through a symbolic link, not followed`);
}

/**
 * `mkdir -p` without `recursive: true`: each missing folder once, so an impossible folder fails at once. With
 * `root`, the existing part of the path must really lie under `root` (no link on the way leads elsewhere), so
 * nothing is created or written outside the output root.
 */
export async function makeDirectories(dir: string, root?: string): Promise<void> {
  const { existing, missing } = await missingFolders(dir);
  if (root !== undefined) await checkInside(root, existing);
  for (const folder of missing) {
    try {
      await fs.mkdir(folder);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST')
        throw new FolderError(folder, describeFsError(error), { cause: error });
    }
  }
}

let temporaries = 0;

/**
 * Replaces `file` atomically: a temporary file next to it, created exclusively (`wx` never opens a FIFO or
 * follows a link planted under that name), then renamed over `file` (which replaces a link rather than follow it).
 */
export async function writeAtomically(file: string, body: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${++temporaries}.tmp`;
  try {
    await fs.writeFile(temporary, body, { flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

/** Appends `text` to `file`, creating its folders; a FIFO that nobody reads fails at once (ENXIO) instead of waiting. */
export async function appendText(file: string, text: string): Promise<void> {
  await makeDirectories(path.dirname(path.resolve(file)));
  const handle = await fs.open(file, APPEND_FLAGS, 0o666);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/**
 * Kernel pseudo file systems by `statfs` type (Linux): they hold no ordinary files, so nothing is ever written
 * there — a write fails at best, and `mkdir -p` spins for ever on procfs under Node 20.
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
]);

/** The nearest existing folder of `target` (itself when it exists). */
async function nearestExisting(target: string): Promise<string> {
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    try {
      await fs.stat(current);
      return current;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || path.dirname(current) === current) return current;
    }
  }
}

/**
 * The pseudo file system `target` (or its nearest existing folder) is on, e.g. `{ folder: '/proc', type: 'procfs' }`,
 * or null for an ordinary file system (and on other platforms than Linux).
 */
export async function pseudoFileSystemOf(target: string): Promise<{ folder: string; type: string } | null> {
  if (process.platform !== 'linux') return null;
  const folder = await nearestExisting(target);
  let type: number;
  try {
    type = (await fs.statfs(folder)).type;
  } catch {
    return null;
  }
  const name = PSEUDO_FILE_SYSTEMS.get(type);
  return name === undefined ? null : { folder, type: name };
}
