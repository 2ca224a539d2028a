/**
 * `kpm paths --run`: the adapter protocol of interface.md. Paths pass against the reference
 * implementation and fail, at the first diverging step, against a seeded bug; a broken adapter
 * (garbage, a crash, an answer out of protocol, silence) gets one line that names the request,
 * never a stack trace or a hang, and no adapter process outlives the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { inProcessAdapter } from '../src/adapter/in-process.ts';
import { startModuleAdapter } from '../src/adapter/module.ts';
import { startProcessAdapter } from '../src/adapter/process.ts';
import { generatePaths, prepareSite } from '../src/paths/generate.ts';
import { runExitCode, runPaths, stateDiff } from '../src/paths/run.ts';
import type { PathSuite } from '../src/paths/suite.ts';
import { loadTopology } from '../src/topology/load.ts';
import { createAdapter } from '../reference/adapter.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const KPM = root('bin/kpm.js');
const site = prepareSite(loadTopology(root('examples/tpm-less.yaml')));
const topology = site.topology;
const suite = generatePaths(site, { cover: 'transitions', comparisons: false });
const legacy = prepareSite(loadTopology(root('examples/legacy-7.0U1.yaml')));
const legacySuite = generatePaths(legacy, { cover: 'transitions', comparisons: false });

const dir = mkdtempSync(join(tmpdir(), 'kpm-adapters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An adapter command in a file of `dir`: answers reset, then behaves as `rest` says. */
function script(name: string, rest: string): string {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(
    file,
    `require('fs').writeFileSync(${JSON.stringify(join(dir, `${name}.pid`))}, String(process.pid));
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.op === 'reset') return console.log(JSON.stringify({ ok: true }));
  ${rest}
});
`,
  );
  return `node ${file}`;
}

function alive(name: string): boolean {
  const pid = Number(readFileSync(join(dir, `${name}.pid`), 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runCommand(command: string, timeoutMs = 2000) {
  const adapter = await startProcessAdapter({ command }, { timeoutMs });
  try {
    return await runPaths(suite, topology, adapter);
  } finally {
    await adapter.close();
  }
}

describe('against the reference implementation', () => {
  test('every transitions path passes on the correct implementation', async () => {
    const report = await runPaths(
      legacySuite,
      legacy.topology,
      inProcessAdapter(() => createAdapter()),
    );
    expect(report).toMatchObject({ failed: 0, inconclusive: 0, passed: legacySuite.paths.length });
    expect(runExitCode(report)).toBe(0);
  });

  test('a seeded bug fails at its first diverging step, with the fields that differ and the events to replay', async () => {
    const bug = inProcessAdapter(() => createAdapter(['unlock-powers-on']));
    const report = await runPaths(legacySuite, legacy.topology, bug);
    expect(report.failed).toBe(1);
    const { divergence } = report.paths.find((p) => p.verdict === 'fail') ?? {};
    expect(divergence?.event).toMatchObject({ type: 'VM_UNLOCK' });
    const vm = (divergence?.event as { vm: string }).vm;
    expect(divergence?.diff).toEqual([{ field: `vms.${vm}.power`, expected: 'off', observed: 'on' }]);
    expect(divergence?.events.at(-1)).toEqual({ type: 'VM_UNLOCK', vm });
    expect(divergence?.events).toHaveLength(divergence?.step ?? -1);
    expect(runExitCode(report)).toBe(1);
  });

  test('the module form, run by kpm in a child process', async () => {
    const adapter = await startModuleAdapter(root('reference/adapter.ts'), { timeoutMs: 5000 });
    try {
      expect((await runPaths(suite, topology, adapter)).passed).toBe(suite.paths.length);
    } finally {
      await adapter.close();
    }
  });
});

test('states compare on the contract: key lists as sets, extra fields welcome, missing ones not', () => {
  const expected = suite.initial;
  const observed = JSON.parse(JSON.stringify(expected));
  observed.hosts['esx-01'].cachedKeys.reverse();
  observed.hosts['esx-01'].firmware = '8.0.2';
  expect(stateDiff(expected, observed)).toEqual([]);
  delete observed.vms.dc1.locked;
  observed.vms.ghost = { power: 'on', locked: false };
  expect(stateDiff(expected, observed)).toEqual([
    { field: 'vms.dc1.locked', expected: false, observed: undefined },
    { field: 'vms.ghost', expected: undefined, observed: { power: 'on', locked: false } },
  ]);
});

describe('a broken adapter: one line naming the request, never a hang', () => {
  test('a module that does not exist cannot be started', async () => {
    await expect(startModuleAdapter('./nowhere.ts', { timeoutMs: 1000 })).rejects.toThrow(
      'adapter module ./nowhere.ts does not exist',
    );
  });

  test('garbage', async () => {
    const report = await runCommand(`node -e "process.stdin.on('data', () => console.log('hello there'))"`);
    expect(report.broken).toBe(
      `adapter "node -e \\"process.stdin.on('data', () => console.log('hello there'))\\"" answered request #1 (reset) with a line that is not JSON: "hello there"`,
    );
    expect(runExitCode(report)).toBe(2);
  });

  test('a crash, with its last words on stderr', async () => {
    const report = await runCommand(script('crash', `console.error('out of memory'); process.exit(3);`));
    expect(report.broken).toMatch(
      /exited with code 3 while answering request #2 \(observe\); its last line on stderr: "out of memory"$/,
    );
    expect(alive('crash')).toBe(false);
  });

  test('an answer out of protocol', async () => {
    const report = await runCommand(script('oop', `console.log(JSON.stringify({ fine: true }));`));
    expect(report.broken).toMatch(
      /answered request #2 \(observe\) out of protocol: expected \{"state":\{\.\.\.\}\}, got \{"fine":true\}$/,
    );
  });

  test('silence: inconclusive after the timeout, the adapter killed and started afresh', async () => {
    const started = performance.now();
    const report = await runCommand(script('hang', ''), 300);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.paths[0]).toMatchObject({ verdict: 'inconclusive' });
    expect(report.paths[0].reason).toMatch(/did not answer request #2 \(observe\) within 300 ms$/);
    expect(runExitCode(report)).toBe(0);
    expect(alive('hang')).toBe(false);
  });

  test('an adapter that cannot perform an event makes its path inconclusive', async () => {
    const report = await runCommand(
      script(
        'partial',
        `if (request.op === 'observe') return console.log(JSON.stringify({ state: ${JSON.stringify(suite.initial)} }));
  console.log(JSON.stringify({ outcome: 'inconclusive', reason: 'this lab cannot do that' }));`,
      ),
    );
    expect(report.paths[0]).toMatchObject({
      verdict: 'inconclusive',
      reason: 'step 1: this lab cannot do that',
    });
  });

  test('a module that throws', async () => {
    const file = join(dir, 'throws.ts');
    writeFileSync(
      file,
      `export const reset = () => ({ ok: true });
export const apply = () => ({ outcome: 'applied' });
export const observe = () => { throw new Error('the lab is on fire'); };
`,
    );
    const adapter = await startModuleAdapter(file, { timeoutMs: 5000 });
    const report = await runPaths(suite, topology, adapter);
    await adapter.close();
    expect(report.broken).toMatch(
      /request #2 \(observe\); its last line on stderr: "observe\(\) threw: the lab is on fire"$/,
    );
  });
});

describe('the command', () => {
  const kpm = (...args: string[]) => {
    const run = spawnSync(process.execPath, [KPM, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  test('a failing path: exit 1, the step diff, the events file that reproduces it, a JUnit report', () => {
    const junit = join(dir, 'paths.xml');
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const adapter = `node --import ${tsx} ${root('reference/adapter-cli.ts')} --bug autostart-ignored`;
    const { status, stdout, stderr } = kpm(
      'paths',
      root('examples/tpm-less.yaml'),
      '--run',
      adapter,
      '--junit',
      junit,
    );
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout).toContain('p1    FAIL  0 steps');
    expect(stdout).toContain('first divergence right after the reset:');
    expect(stdout).toContain('vms.dc1.power: expected "on", observed "off"');
    const events = stdout.match(/reproduce: kpm replay \S+ (\S+)/)?.[1] as string;
    expect(JSON.parse(readFileSync(join(dir, events), 'utf8'))).toEqual([]);
    expect(readFileSync(junit, 'utf8')).toContain('<failure message="diverges at right after the reset">');
  });

  test('a broken adapter with --json: exit 2, one line on stderr and no stack trace, the verdicts in the JSON', () => {
    const { status, stdout, stderr } = kpm(
      'paths',
      root('examples/tpm-less.yaml'),
      '--json',
      '--run',
      'node -e "console.log(42)"',
    );
    expect(status).toBe(2);
    expect(stderr).toBe(
      'kpm paths: the adapter broke the protocol: adapter "node -e \\"console.log(42)\\"" answered request #1 (reset) out of protocol: expected a JSON object, got 42\n',
    );
    const result = JSON.parse(stdout) as PathSuite & { run: { broken: string; notRun: number } };
    expect(Object.keys(result).slice(0, 3)).toEqual(['topology', 'cover', 'initial']);
    expect(result).toMatchObject({
      topology: 'tpm-less',
      cover: 'transitions',
      run: { notRun: result.paths.length },
    });
    expect(Object.keys(result.paths[0].steps[0])).toEqual(
      expect.arrayContaining(['event', 'outcome', 'state']),
    );
  });
});
