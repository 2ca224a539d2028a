/**
 * `kpm` under faults: output paths that cannot be written, a full or closed stdout, a reader that
 * goes away, signals, odd option values. Bad input is exit 2 with the path and the reason, before
 * any work; the verdicts are printed even when a file cannot be written; nothing half-written is
 * left; no crash (70), no hang.
 */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { traceFileName } from '../src/cli/check.ts';
import { finished, KPM, kpmInProcess, kpmProcess, kpmStart, TIMEOUT } from './helpers/kpm.ts';
import { PROPERTIES } from '../src/catalogue/catalogue.ts';

/** A site with two witnesses (AV-02, AV-05) and a few hundred states: a whole check in a second. */
const TINY = `name: tiny
release: "7.0U1"
providers: [{ id: kms, kind: standard }]
hosts: [{ id: h }]
vms: [{ id: v, host: h, encryptedBy: kms, running: true }]
`;

let dir: string;
const path = (...parts: string[]) => join(dir, ...parts);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpm-faults-'));
  writeFileSync(path('tiny.yaml'), TINY);
  writeFileSync(path('a-file'), 'x');
  writeFileSync(path('two.events.yaml'), '- { type: VCENTER_DOWN }\n- { type: VCENTER_UP }\n');
  writeFileSync(
    path('long.events.yaml'),
    Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? '- { type: KMS_UP, provider: kms }' : '- { type: KMS_DOWN, provider: kms }',
    ).join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under a folder, recursively (leftovers show up here). */
const filesUnder = (folder: string) => readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();

describe('output paths that cannot be written are bad input, found before exploring', () => {
  test('--traces on a file, below a file, in /proc; --junit on a folder, in /proc: every one named, exit 2', async () => {
    const run = await kpmInProcess(
      'check',
      path('tiny.yaml'),
      '--traces',
      path('a-file', 'sub'),
      '--junit',
      dir,
    );
    expect(run).toEqual({
      status: 2,
      stdout: '',
      stderr: [
        `${path('a-file', 'sub')}: cannot write the --traces folder: ${path('a-file')} is a file, not a folder`,
        `${dir}: cannot write the --junit file: it is a folder; give the path of a file`,
        '',
      ].join('\n'),
    });
    expect(await kpmInProcess('check', path('tiny.yaml'), '--traces', path('a-file'))).toMatchObject({
      status: 2,
      stderr: `${path('a-file')}: cannot write the --traces folder: it is a file, not a folder\n`,
    });
    expect(
      await kpmInProcess('check', path('tiny.yaml'), '--no-traces', '--junit', '/proc/kpm/r.xml'),
    ).toMatchObject({
      status: 2,
      stderr:
        '/proc/kpm/r.xml: cannot write the --junit file: cannot create files in /proc: ENOENT (no such file or directory)\n',
    });
  });

  test('with a bad topology too, every problem at once', async () => {
    writeFileSync(path('bad.yaml'), 'name: t\nrelease: 8.0\nhosts: [{ id: h }]\n');
    const run = await kpmInProcess('check', path('bad.yaml'), '--traces', path('a-file'));
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')).toEqual([
      `${path('bad.yaml')}:2: release: got the number 8; write release as a quoted string, e.g. "7.0U3"`,
      `${path('a-file')}: cannot write the --traces folder: it is a file, not a folder`,
      '',
    ]);
  });

  test('--junit on a folder leaves nothing, in it or beside it (it left DIR.<pid>.tmp)', async () => {
    const folder = path('junit-folder');
    mkdirSync(folder);
    const run = await kpmInProcess(
      'check',
      path('tiny.yaml'),
      '--traces',
      path('junit-traces'),
      '--junit',
      folder,
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(filesUnder(folder)).toEqual([]);
    expect(filesUnder(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  test(
    '--traces /proc/x ends at once (it looped forever at full CPU)',
    () => {
      const run = kpmProcess(['check', path('tiny.yaml'), '--traces', '/proc/x'], { timeout: 20_000 });
      expect(run.signal).toBeNull();
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        '/proc/x: cannot write the --traces folder: cannot create files in /proc: ENOENT (no such file or directory)\n',
      );
    },
    TIMEOUT,
  );

  test(
    'a read-only folder: --junit there, and plain kpm check there (its default .kpm/traces)',
    () => {
      const readOnly = path('read-only');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
      chmodSync(dir, 0o755);
      // Root may write anywhere: run as nobody then, so that the folder is read-only for kpm too.
      const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const run = kpmProcess(['check', path('tiny.yaml'), '--junit', 'r.xml'], { ...user, cwd: readOnly });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([
        `.kpm/traces: cannot write the --traces folder: cannot create files in ${readOnly}: EACCES (permission denied); this is the default --traces folder: choose another with --traces DIR, or use --no-traces`,
        `r.xml: cannot write the --junit file: cannot create files in ${readOnly}: EACCES (permission denied)`,
        '',
      ]);
      expect(filesUnder(readOnly)).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('writing the files', () => {
  test('a valid site with a 250-character name and a 240-character VM id: bounded trace file names, exit 0', async () => {
    const long = TINY.replace('name: tiny', `name: "${'N'.repeat(250)}"`).replaceAll(
      /\bv\b/g,
      'v'.repeat(240),
    );
    writeFileSync(path('long.yaml'), long);
    const traces = path('long-traces');
    const run = await kpmInProcess('check', path('long.yaml'), '--traces', traces);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const files = filesUnder(traces);
    expect(files).toHaveLength(2);
    for (const file of files) expect(Buffer.byteLength(file)).toBeLessThan(255);
  });

  test('the verdicts are printed even when a trace file cannot be written; exit 74, the file named, nothing left', async () => {
    const traces = path('blocked-traces');
    const blocked = join(traces, traceFileName('tiny', { id: 'AV-02', subject: 'v' }));
    mkdirSync(join(blocked, 'a folder where the file should go'), { recursive: true });
    const run = await kpmInProcess('check', path('tiny.yaml'), '--traces', traces);
    // One VM: one verdict per property of the catalogue.
    expect(run.stdout).toContain(`All ${PROPERTIES.length} verdicts as expected.`);
    expect(run.stdout).toContain(
      `replay: kpm replay ${path('tiny.yaml')} ${join(traces, traceFileName('tiny', { id: 'AV-05', subject: 'v' }))}`,
    );
    expect(run.stdout).not.toContain(blocked);
    expect(run.stderr).toMatch(
      new RegExp(
        `^kpm: ${blocked.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write: E(ISDIR|NOTEMPTY|EXIST) \\(`,
      ),
    );
    expect(run.status).toBe(74);
    expect(filesUnder(traces).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('--timings gives the time taken; without it the JSON and the JUnit report have none', async () => {
    const plain = await kpmInProcess(
      'check',
      path('tiny.yaml'),
      '--no-traces',
      '--json',
      '--junit',
      path('plain.xml'),
    );
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('elapsedMs');
    expect(readFileSync(path('plain.xml'), 'utf8')).not.toContain('time=');
    const timed = await kpmInProcess(
      'check',
      path('tiny.yaml'),
      '--no-traces',
      '--json',
      '--timings',
      '--junit',
      path('timed.xml'),
    );
    expect(JSON.parse(timed.stdout).elapsedMs).toBeGreaterThan(0);
    expect(readFileSync(path('timed.xml'), 'utf8')).toMatch(/time="\d+\.\d{3}"/);
  });
});

describe('option values', () => {
  test.each([
    ['--max-states', '1e2'],
    ['--max-states', '0x10'],
    ['--max-states', ' 7'],
    ['--max-states', '1.0'],
    ['--depth', '0'],
    ['--seed', '-1'],
    ['--seed', '4294967296'],
    ['--random-budget', '1e3'],
    ['--junit', ''],
    ['--traces', ''],
  ])('%s %j is a usage error, exit 2', async (option, value) => {
    const run = await kpmInProcess('check', path('tiny.yaml'), option, value);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`option '${option} <`);
  });

  test('--seed 0 is a seed like any other', async () => {
    const run = await kpmInProcess(
      'check',
      path('tiny.yaml'),
      '--no-traces',
      '--json',
      '--seed',
      '0',
      '--max-states',
      '10',
      '--random-budget',
      '200',
    );
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).random).toMatchObject({ seed: 0, budget: 200 });
  });
});

describe('standard output', () => {
  test(
    '> /dev/full is one line on stderr and exit 74, not a stack trace and 1',
    () => {
      const full = openSync('/dev/full', 'w');
      try {
        const run = kpmProcess(['replay', path('tiny.yaml'), path('two.events.yaml')], {
          stdio: ['ignore', full, 'pipe'],
        });
        expect(run.stderr).toBe('kpm: cannot write to standard output: ENOSPC (no space left on device)\n');
        expect(run.status).toBe(74);
      } finally {
        closeSync(full);
      }
    },
    TIMEOUT,
  );

  test(
    'a closed stdout (>&-) is said on stderr, not lost silently',
    () => {
      const command = `exec "${process.execPath}" "${KPM}" replay "${path('tiny.yaml')}" "${path('tiny.yaml')}" >&-`;
      const run = spawnSync('sh', ['-c', command.replace(/tiny\.yaml"( >&-)$/, 'two.events.yaml"$1')], {
        encoding: 'utf8',
        timeout: TIMEOUT,
      });
      expect(run.stderr).toBe(
        'kpm: standard output is closed (or /dev/null opened read-write): the output above went nowhere\n',
      );
      expect(run.status).toBe(0);
    },
    TIMEOUT,
  );

  test(
    'a reader that goes away (| head) ends kpm silently, exit 0',
    async () => {
      // Some 400 KB of trace: the reader is gone long before the end.
      const child = kpmStart(['replay', path('tiny.yaml'), path('long.events.yaml'), '--full']);
      child.stdout.once('data', () => child.stdout.destroy());
      const run = await finished(child);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
    TIMEOUT,
  );
});

test(
  'a signal at any moment leaves no temporary file and no partial report',
  async () => {
    const runs = [500, 900, 1300].map(async (delay, i) => {
      const out = path(`signal-${i}`);
      mkdirSync(out);
      const child = kpmStart(['check', '--traces', join(out, 'traces'), '--junit', join(out, 'r.xml')]);
      setTimeout(() => child.kill(i % 2 ? 'SIGTERM' : 'SIGINT'), delay);
      const run = await finished(child);
      expect(run.status === null || [0, 130, 143].includes(run.status), `exit ${run.status}`).toBe(true);
      const left = filesUnder(out);
      expect(left.filter((f) => f.includes('.tmp'))).toEqual([]);
      if (left.includes('r.xml'))
        expect(readFileSync(join(out, 'r.xml'), 'utf8')).toMatch(/<\/testsuites>\n$/);
    });
    await Promise.all(runs);
  },
  TIMEOUT,
);
