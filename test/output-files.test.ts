/**
 * The files kpm writes: their paths checked before any work, their names safe whatever the user's
 * text, and nothing half-written left behind.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkOutputFile,
  checkOutputFolder,
  OutputError,
  safeFileName,
  writeFileAtomically,
} from '../src/cli/output-files.ts';
import { formatProblem, InputError } from '../src/errors.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpm-out-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

/** Every file under `root`, recursively. */
function allFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' });
}

describe('trace file names', () => {
  it('are bounded whatever the text: a 250-character site name and a 240-character VM id', () => {
    const name = safeFileName(['N'.repeat(250), 'AV-02', 'v'.repeat(240)], '.json');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(150);
    expect(name).toMatch(/^N{40}-AV-02-v{40}-[0-9a-f]{12}\.json$/);
  });

  it('are plain ASCII without a separator, a leading dot or dash, whatever the characters', () => {
    for (const text of ['../../etc/passwd', '-rf', '.hidden', 'a/b\\c', 'é日本\u0000\n', '   ', '', 'CON.']) {
      const name = safeFileName([text, 'SEC-01'], '.json');
      expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._+-]*\.json$/);
      expect(name).not.toContain('/');
      expect(name).not.toContain('..');
    }
  });

  it('never share a name, not even ignoring case, for texts that differ only in case or in dropped characters', () => {
    const texts = ['edge', 'Edge', 'EDGE', 'edge site', 'edge_site', 'edge/site', 'edge\u00e9site'];
    const names = texts.map((t) => safeFileName([t, 'AV-02', 'app'], '.json').toLowerCase());
    expect(new Set(names).size).toBe(texts.length);
    const subjects = ['db', 'DB', 'Db'].map((s) => safeFileName(['edge', 'AV-01', s], '.json').toLowerCase());
    expect(new Set(subjects).size).toBe(3);
  });

  it('are stable: the same text gives the same name', () => {
    expect(safeFileName(['edge-site', 'AV-02', 'app'], '.json')).toBe(
      safeFileName(['edge-site', 'AV-02', 'app'], '.json'),
    );
  });
});

describe('output paths are checked before any work', () => {
  it('accepts a new file in an existing folder, and in folders still to be made', () => {
    expect(problemsOf(() => checkOutputFile(join(dir, 'report.xml'), '--junit'))).toEqual([]);
    expect(problemsOf(() => checkOutputFolder(join(dir, 'a', 'b', 'c'), '--traces'))).toEqual([]);
    expect(existsSync(join(dir, 'a'))).toBe(false); // checking creates nothing
    expect(allFiles(dir)).toEqual([]); // nor leaves a probe behind
  });

  it('refuses a folder as a file, and a file as a folder, or below one', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(problemsOf(() => checkOutputFile(dir, '--junit'))).toEqual([
      `${dir}: cannot write the --junit file: it is a folder; give the path of a file`,
    ]);
    expect(problemsOf(() => checkOutputFolder(file, '--traces'))).toEqual([
      `${file}: cannot write the --traces folder: it is a file, not a folder`,
    ]);
    expect(problemsOf(() => checkOutputFolder(join(file, 'sub'), '--traces'))).toEqual([
      `${join(file, 'sub')}: cannot write the --traces folder: ${file} is a file, not a folder`,
    ]);
    expect(problemsOf(() => checkOutputFile(join(file, 'r.xml'), '--junit'))).toEqual([
      `${join(file, 'r.xml')}: cannot write the --junit file: ${file} is a file, not a folder`,
    ]);
    rmSync(file);
  });

  it('refuses /proc, where nothing can be created (and does not loop there)', () => {
    expect(problemsOf(() => checkOutputFolder('/proc/x', '--traces'))).toEqual([
      '/proc/x: cannot write the --traces folder: cannot create files in /proc: ENOENT (no such file or directory)',
    ]);
    expect(problemsOf(() => checkOutputFile('/proc/kpm/report.xml', '--junit'))).toEqual([
      '/proc/kpm/report.xml: cannot write the --junit file: cannot create files in /proc: ENOENT (no such file or directory)',
    ]);
  });

  it('refuses a device and a symbolic link to nothing', () => {
    expect(problemsOf(() => checkOutputFile('/dev/null', '--junit'))).toEqual([
      '/dev/null: cannot write the --junit file: it is not a regular file (a device, a pipe or a socket)',
    ]);
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere', 'x'), link);
    expect(problemsOf(() => checkOutputFolder(link, '--traces'))).toEqual([
      `${link}: cannot write the --traces folder: it is a symbolic link to nothing`,
    ]);
    rmSync(link);
  });
});

describe('files are written whole or not at all', () => {
  it('creates the missing folders and the file', () => {
    const file = join(dir, 'w', 'x', 'y.json');
    writeFileAtomically(file, 'text');
    expect(readFileSync(file, 'utf8')).toBe('text');
    expect(allFiles(join(dir, 'w')).sort()).toEqual(['x', join('x', 'y.json')]);
    rmSync(join(dir, 'w'), { recursive: true });
  });

  it('leaves nothing behind when the file cannot be written: no temporary file, no folder it made', () => {
    const target = join(dir, 'made', 'busy');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'inside'), 'x'); // a non-empty folder where the file should go
    expect(() => writeFileAtomically(target, 'text')).toThrow(OutputError);
    expect(allFiles(join(dir, 'made')).sort()).toEqual(['busy', join('busy', 'inside')]);
    rmSync(join(dir, 'made'), { recursive: true });
  });

  it('removes the folders it made when the write fails below them', () => {
    const file = join(dir, 'p', 'q', 'x'.repeat(300)); // a name over 255 bytes: ENAMETOOLONG
    expect(() => writeFileAtomically(file, 'text')).toThrow(/ENAMETOOLONG/);
    expect(existsSync(join(dir, 'p'))).toBe(false);
  });

  it('never uses a recursive mkdir, so /proc fails at once instead of looping', () => {
    expect(() => writeFileAtomically('/proc/kpm-x/y/z.json', 'text')).toThrow(
      /cannot create the folder \/proc\/kpm-x: ENOENT/,
    );
  });
});
