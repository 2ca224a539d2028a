/**
 * Machine output is the same, byte for byte, for the same inputs and seed: `kpm check --json` and
 * the JUnit report, on a bounded run (exploration and random runs past the bound) run twice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { finished, kpmStart, TIMEOUT } from './helpers/kpm.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpm-determinism-'));
  writeFileSync(
    join(dir, 'tiny.yaml'),
    [
      'name: tiny',
      'release: "7.0U1"',
      'providers: [{ id: kms, kind: standard }]',
      'hosts: [{ id: h }]',
      'vms: [{ id: v, host: h, encryptedBy: kms, running: true }]',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test(
  'kpm check --json twice: identical bytes (no elapsedMs), and identical JUnit reports',
  async () => {
    const run = (n: number) =>
      finished(
        kpmStart(
          [
            'check',
            join(dir, 'tiny.yaml'),
            '--json',
            '--max-states',
            '20',
            '--seed',
            '5',
            '--random-budget',
            '3000',
            '--junit',
            join(dir, `${n}.xml`),
          ],
          dir,
        ),
      );
    const [first, second] = await Promise.all([run(1), run(2)]);
    expect(first.status).toBe(1); // bounded: undecided verdicts
    expect(JSON.parse(first.stdout)).toHaveProperty('random');
    expect(JSON.parse(first.stdout)).not.toHaveProperty('elapsedMs');
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(join(dir, '2.xml'), 'utf8')).toBe(readFileSync(join(dir, '1.xml'), 'utf8'));
  },
  TIMEOUT,
);
