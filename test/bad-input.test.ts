/**
 * The bad-input corpus (test/bad-input/): every broken file gives exactly the lines of its
 * `.expected` on stderr and exit code 2, and the corpus breaks every rule of the loaders. Then the
 * inputs too large or too odd to keep in the repository, made here: odd paths, 50 MB files,
 * endless devices, deep nesting.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodeFor } from '../src/cli/exit.ts';
import { InputError } from '../src/errors.ts';
import { EVENT_RULES, loadEvents } from '../src/events-file.ts';
import { loadTopology, TOPOLOGY_SCHEMA_RULES } from '../src/topology/load.ts';
import { TOPOLOGY_RULES } from '../src/topology/rules.ts';
import { READ_RULES } from '../src/yaml-source.ts';
import { kpmInProcess, kpmProcess, TIMEOUT } from './helpers/kpm.ts';

const CORPUS = 'test/bad-input';
type Kind = 'topology' | 'events';
const load = { topology: loadTopology, events: loadEvents };

/** What kpm prints on stderr for a file, its exit code, and the rules its problems come from. */
function reject(kind: Kind, file: string): { stderr: string; status: number; rules: string[] } {
  try {
    load[kind](file);
  } catch (error) {
    let stderr = '';
    const stream = { write: (text: string) => (stderr += text) } as unknown as NodeJS.WritableStream;
    const status = exitCodeFor(error, stream);
    const rules = error instanceof InputError ? error.problems.flatMap((p) => (p.rule ? [p.rule] : [])) : [];
    return { stderr, status, rules };
  }
  throw new Error(`${file} was accepted`);
}

const cases = (['topology', 'events'] as const).flatMap((kind) =>
  readdirSync(join(CORPUS, kind))
    .filter((name) => !name.endsWith('.expected'))
    .sort()
    .map((name) => ({ kind, file: `${CORPUS}/${kind}/${name}` })),
);

/** Rules seen in the corpus, and in the inputs made below. */
const seen = new Set<string>();

describe('the corpus', () => {
  test.each(cases)('$file: exit 2, exactly the lines of its .expected', ({ kind, file }) => {
    const { stderr, status, rules } = reject(kind, file);
    for (const rule of rules) seen.add(rule);
    expect(stderr).toBe(readFileSync(`${file}.expected`, 'utf8'));
    expect(status).toBe(2);
  });

  test('kpm check and kpm replay print those lines and nothing on stdout', async () => {
    const topology = `${CORPUS}/topology/mixed-schema-and-rules.yaml`;
    expect(await kpmInProcess('check', topology, '--no-traces')).toEqual({
      status: 2,
      stdout: '',
      stderr: readFileSync(`${topology}.expected`, 'utf8'),
    });
    const events = `${CORPUS}/events/items.yaml`;
    expect(await kpmInProcess('replay', topology, events, '--json')).toEqual({
      status: 2,
      stdout: '',
      stderr: readFileSync(`${topology}.expected`, 'utf8') + readFileSync(`${events}.expected`, 'utf8'),
    });
  });
});

describe('inputs made at test time', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpm-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectRejected = (kind: Kind, file: string, lines: string[]) => {
    const { stderr, status, rules } = reject(kind, file);
    for (const rule of rules) seen.add(rule);
    expect(stderr).toBe(lines.map((line) => `${line}\n`).join(''));
    expect(status).toBe(2);
  };

  test('odd paths: a folder, a missing file, a path through a file, /proc, a FIFO, /proc/self/mem', () => {
    expectRejected('topology', CORPUS, [
      `${CORPUS}: cannot read file: it is a folder; give the path of a file in it`,
    ]);
    expectRejected('events', join(dir, 'missing.yaml'), [
      `${join(dir, 'missing.yaml')}: cannot read file: ENOENT (no such file or directory)`,
    ]);
    expectRejected('topology', `${CORPUS}/README.md/site.yaml`, [
      `${CORPUS}/README.md/site.yaml: cannot read file: ENOTDIR (a part of the path is not a folder)`,
    ]);
    expectRejected('topology', '/proc/kpm/site.yaml', [
      '/proc/kpm/site.yaml: cannot read file: ENOENT (no such file or directory)',
    ]);
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    expectRejected('events', fifo, [`${fifo}: the file is empty; write [] for no events`]);
    expectRejected('topology', '/proc/self/mem', [
      '/proc/self/mem: cannot read file: EIO (input/output error)',
    ]);
  });

  test(
    'a file kpm may not read (as a user other than root)',
    () => {
      const secret = join(dir, 'secret.yaml');
      writeFileSync(secret, 'name: secret\n');
      chmodSync(secret, 0o000);
      chmodSync(dir, 0o755);
      const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const run = kpmProcess(['check', secret, '--no-traces'], user);
      expect(run.stderr).toBe(`${secret}: cannot read file: EACCES (permission denied)\n`);
      expect(run.status).toBe(2);
    },
    TIMEOUT,
  );

  test('huge files: 50 MB of topology or events, /dev/zero', () => {
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, `name: huge\nrelease: "8.0"\nhosts: [{ id: h }]\n# ${'x'.repeat(50 << 20)}\n`);
    expectRejected('topology', huge, [
      `${huge}: the file is 50.0 MB; kpm reads topology files of at most 1.0 MB`,
    ]);
    expectRejected('events', huge, [
      `${huge}: the file is 50.0 MB; kpm reads events files of at most 16.0 MB`,
    ]);
    expectRejected('events', '/dev/zero', [
      '/dev/zero: the file is larger than 16.0 MB; kpm reads events files of at most 16.0 MB',
    ]);
  });

  test('hostile files: nesting a hundred thousand levels deep, a wide alias bomb, a line of 10,000 keys', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    const message =
      'nested more than 100 levels deep (lists and maps inside each other); a kpm file needs a few';
    expectRejected('topology', deep, [`${deep}:1: ${message}`]);
    const wide = join(dir, 'wide.yaml');
    const items = Array.from({ length: 200 }, () => '*a').join(', ');
    writeFileSync(wide, `a: &a [${Array.from({ length: 200 }, () => 'x').join(', ')}]\nb: [${items}]\n`);
    expectRejected('topology', wide, [
      `${wide}:2: b[49]: the aliases of this file expand to more than 10000 values (an alias bomb?); write the values out`,
    ]);
    const keys = join(dir, 'keys.yaml');
    writeFileSync(keys, `{ ${Array.from({ length: 10_000 }, (_, i) => `k${i}: ${i}`).join(', ')} }\n`);
    const started = performance.now();
    const { stderr, status } = reject('topology', keys);
    expect(performance.now() - started).toBeLessThan(10_000); // some 15 s before: a search of the map per problem
    expect(status).toBe(2);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(10_000 + 3); // every unknown key; name, release, hosts
  });
});

describe('the corpus and the inputs above break every rule of the loaders', () => {
  test.each([
    ['reading and parsing (READ_RULES)', READ_RULES],
    ['the shape of a topology (TOPOLOGY_SCHEMA_RULES)', TOPOLOGY_SCHEMA_RULES],
    ['the rules of a topology (TOPOLOGY_RULES)', TOPOLOGY_RULES],
    ['events files (EVENT_RULES)', EVENT_RULES],
  ])('%s', (_, rules: readonly string[]) => {
    expect(rules.filter((rule) => !seen.has(rule))).toEqual([]);
  });
});

test('the corpus folder holds only small files, each with its .expected', () => {
  for (const kind of ['topology', 'events']) {
    const names = readdirSync(join(CORPUS, kind));
    for (const name of names.filter((n) => !n.endsWith('.expected'))) {
      expect(names, name).toContain(`${name}.expected`);
      expect(readFileSync(join(CORPUS, kind, name)).length, name).toBeLessThan(16 << 10);
    }
  }
});
