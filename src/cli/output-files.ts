/**
 * The files kpm writes (trace files, the JUnit report): checked before any work is done, so that a
 * path that cannot be written is bad input (exit 2) in the first second rather than a crash after
 * the whole exploration; then written whole or not at all (a temporary file in the same folder,
 * renamed), with nothing left behind on an error or a signal.
 *
 * Never `mkdirSync(..., { recursive: true })`: on some paths (`/proc/x`) it loops forever. Folders
 * are created one level at a time, and removed again if the write fails.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { reasonOf } from '../yaml-source.ts';

/** A write that failed after the checks passed (a full disk, a folder removed meanwhile): exit 74. */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: cannot write: ${reason}`);
    this.name = 'OutputError';
  }
}

/**
 * Checks that `file` can be written by `option` (e.g. `--junit`): it is not a folder or a device,
 * and its folder, or the nearest folder above it that exists, lets kpm create files (tried for real:
 * a permission check says yes to root on a read-only folder, and yes on `/proc`).
 */
export function checkOutputFile(file: string, option: string): void {
  const fail = (message: string): never => {
    throw new InputError([
      { file, line: null, path: '', message: `cannot write the ${option} file: ${message}` },
    ]);
  };
  const existing = statOrNull(file, fail);
  if (existing?.isDirectory()) fail('it is a folder; give the path of a file');
  if (existing && !existing.isFile()) fail('it is not a regular file (a device, a pipe or a socket)');
  checkFolder(dirname(resolve(file)), fail);
}

/** Checks that `dir` is, or can be made, a folder in which kpm can create files. */
export function checkOutputFolder(dir: string, option: string): void {
  const fail = (message: string): never => {
    throw new InputError([
      { file: dir, line: null, path: '', message: `cannot write the ${option} folder: ${message}` },
    ]);
  };
  const existing = statOrNull(dir, fail);
  if (existing && !existing.isDirectory()) fail('it is a file, not a folder');
  checkFolder(resolve(dir), fail);
}

/** The path's stat, or null when nothing is there; any other answer is a failure with its reason. */
function statOrNull(path: string, fail: (message: string) => never) {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (isBrokenLink(path)) fail('it is a symbolic link to nothing');
      return null;
    }
    if (code === 'ENOTDIR') return fail(`${notAFolder(path)} is a file, not a folder`);
    return fail(reasonOf(error));
  }
}

function isBrokenLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The first part of `path` that exists and is not a folder. */
function notAFolder(path: string): string {
  let part = resolve(path);
  let found = part;
  for (;;) {
    try {
      if (!statSync(part).isDirectory()) found = part;
    } catch {
      // missing: look further up
    }
    const up = dirname(part);
    if (up === part) return found;
    part = up;
  }
}

/** The folder exists and takes a new file, or its nearest existing ancestor does. */
function checkFolder(folder: string, fail: (message: string) => never): void {
  let existing = folder;
  for (;;) {
    const stat = statOrNull(existing, fail);
    if (stat) {
      if (!stat.isDirectory()) fail(`${existing} is a file, not a folder`);
      break;
    }
    const up = dirname(existing);
    if (up === existing) fail(`no folder of ${folder} exists`);
    existing = up;
  }
  const probe = join(existing, temporaryName());
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    fail(`cannot create files in ${existing}: ${reasonOf(error)}`);
  }
  try {
    unlinkSync(probe);
  } catch {
    // it was created, so it can be removed; if not, the exit handler tries again
    pending.add(probe);
  }
}

/** Temporary files of writes in progress: removed on an error, a signal or exit. */
const pending = new Set<string>();
let counter = 0;

function temporaryName(): string {
  counter += 1;
  return `.kpm-${process.pid}-${counter}.tmp`;
}

/** Removes every temporary file still there (on exit, on a signal). */
export function removeTemporaryFiles(): void {
  for (const file of pending) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
    pending.delete(file);
  }
}

let signalsHandled = false;

/**
 * From the first write on, a signal (Ctrl-C, a CI job's timeout) waits until the synchronous write
 * in progress ends, then removes what is left and ends kpm with that signal. Installed only for the
 * writes: during a long exploration there is nothing to clean up and Ctrl-C stops kpm at once.
 */
function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  process.on('exit', removeTemporaryFiles);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeTemporaryFiles();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Writes `text` to `file` whole or not at all: missing folders are created one level at a time,
 * the text goes to a temporary file next to `file`, which is then renamed. On any error the
 * temporary file and the folders created are removed, and an OutputError names the reason.
 */
export function writeFileAtomically(file: string, text: string): void {
  handleSignals();
  const created = makeFolders(dirname(resolve(file)), file);
  const temporary = join(dirname(resolve(file)), temporaryName());
  pending.add(temporary);
  try {
    const fd = openSync(temporary, 'wx');
    try {
      const bytes = Buffer.from(text);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    pending.delete(temporary);
  } catch (error) {
    removeTemporaryFiles();
    removeFolders(created);
    throw new OutputError(file, reasonOf(error));
  }
}

/** Creates the missing folders of `folder`, top down; returns those created, deepest last. */
function makeFolders(folder: string, file: string): string[] {
  const missing: string[] = [];
  for (let part = folder; ; part = dirname(part)) {
    try {
      if (statSync(part).isDirectory()) break;
      throw new OutputError(file, `${part} is a file, not a folder`);
    } catch (error) {
      if (error instanceof OutputError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(file, reasonOf(error));
    }
    missing.unshift(part);
    if (dirname(part) === part) break;
  }
  const created: string[] = [];
  for (const part of missing) {
    try {
      mkdirSync(part);
      created.push(part);
    } catch (error) {
      removeFolders(created);
      throw new OutputError(file, `cannot create the folder ${part}: ${reasonOf(error)}`);
    }
  }
  return created;
}

function removeFolders(created: string[]): void {
  for (const folder of [...created].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      // not empty (another write succeeded) or gone: leave it
    }
  }
}

/**
 * A file name for user text (a site name, a VM id) that is safe and bounded whatever the text: each
 * part's letters, digits, `.`, `_`, `+` and `-` (others become `_`), at most `maxPart` of them, then
 * a stable hash of all the parts, so that two different texts never share a name, not even on a
 * file system that ignores case (the hash is lowercase hex). At most parts × (maxPart + 1) + 13
 * characters plus the extension, all ASCII.
 */
export function safeFileName(parts: readonly string[], extension: string, maxPart = 40): string {
  const slug = (text: string) =>
    text
      .replace(/[^A-Za-z0-9._+-]+/g, '_')
      .slice(0, maxPart)
      .replace(/^[._+-]+/, '')
      .replace(/[.]+$/, '');
  const name = parts.map(slug).filter(Boolean).join('-') || 'kpm';
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
  return `${name}-${hash}${extension}`;
}
