/**
 * The `kpm` command as a user runs it: the real launcher (`node bin/kpm.js`), real files, and the
 * contract of interface.md: `--json` output, exit codes 0 and 2, problems as `file:line: path: message`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { traceFileName } from '../src/cli/check.ts';
import { readManifest } from '../src/examples/manifest.ts';

const KPM = fileURLToPath(new URL('../bin/kpm.js', import.meta.url));
const TIMEOUT = 60_000;

/** The bundled edge site: the site and scenario of worked-example.md. */
const TOPOLOGY = readFileSync(new URL('../examples/edge-site.yaml', import.meta.url), 'utf8');
const EVENTS = readFileSync(new URL('../examples/edge-site.events.yaml', import.meta.url), 'utf8');

const BAD_TOPOLOGY = `name: broken
release: "7.0U3"
hosts:
  - { id: esx-01, tpm: "2.0" }
  - { id: esx-02, tpm: "3.0" }
`;

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpm-cli-'));
  writeFileSync(file('edge.yaml'), TOPOLOGY);
  writeFileSync(file('edge.events.yaml'), EVENTS);
  writeFileSync(file('broken.yaml'), BAD_TOPOLOGY);
  writeFileSync(file('bad.events.json'), '[{ "type": "LINK_DOWN" }]\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpm(...args: string[]) {
  const run = spawnSync(process.execPath, [KPM, ...args], {
    encoding: 'utf8',
    timeout: TIMEOUT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The lines of step `n` of a human trace: its header and its indented lines. */
function stepLines(trace: string, n: number): string[] {
  const lines = trace.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`#${n} `));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith(' '));
  return lines.slice(start, end).map((line) => line.trimEnd());
}

describe('kpm replay --json', () => {
  test(
    'prints the replay JSON of interface.md and nothing else, exit 0',
    () => {
      const { status, stdout, stderr } = kpm('replay', file('edge.yaml'), file('edge.events.yaml'), '--json');
      expect(status).toBe(0);
      expect(stderr).toBe('');
      const result = JSON.parse(stdout);
      expect(Object.keys(result)).toEqual(['topology', 'steps']);
      expect(result.topology).toBe('edge-site');
      expect(result.steps).toHaveLength(9);
      expect(result.steps[0]).toMatchObject({ event: null, outcome: 'applied', reason: null });
      for (const step of result.steps)
        expect(Object.keys(step)).toEqual(['event', 'outcome', 'reason', 'state']);

      const state = result.steps[0].state;
      expect(Object.keys(state)).toEqual(['vcenter', 'providers', 'hosts', 'vms']);
      expect(state.providers).toEqual({ kms: 'up' });
      expect(Object.keys(state.hosts['esx-01']).sort()).toEqual(
        [
          'attested',
          'cachedKeys',
          'kdk',
          'keyPersistence',
          'link',
          'persistenceInEffect',
          'storedKeys',
          'vsan',
        ].sort(),
      );
      expect(state.hosts['esx-01']).toMatchObject({
        cachedKeys: ['db', 'vsan'],
        storedKeys: ['db', 'vsan'],
        kdk: ['nkp'],
      });
      expect(state.vms.app).toEqual({ power: 'on', locked: false });

      // worked-example.md, steps 4 and 5.
      expect(result.steps[4].state.vms.app).toEqual({ power: 'off', locked: true });
      expect(result.steps[5]).toMatchObject({
        event: { type: 'VM_POWER_ON', vm: 'app' },
        outcome: 'refused',
      });
      expect(typeof result.steps[5].reason).toBe('string');
    },
    TIMEOUT,
  );
});

describe('kpm replay (human trace)', () => {
  test(
    'shows at each step only what changed',
    () => {
      const { status, stdout, stderr } = kpm('replay', file('edge.yaml'), file('edge.events.yaml'));
      expect(status).toBe(0);
      expect(stderr).toBe('');
      expect(stepLines(stdout, 2)).toEqual(['#2 LINK_DOWN esx-02    applied', '   esx-02 link: up -> down']);
      expect(stepLines(stdout, 4)).toEqual([
        '#4 HOST_REBOOT esx-02  applied',
        '   esx-02 cache: -app, -vsan',
        '   esx-02 vsan: mounted -> unmounted',
        '   vm app: on -> off, locked',
      ]);
      expect(stepLines(stdout, 5)).toEqual([
        '#5 VM_POWER_ON app     refused: the VM is locked; unlock it first (DOC-04)',
      ]);
      // Step 0 is the initial state, one line per host and VM.
      const initial = stepLines(stdout, 0);
      expect(initial[0]).toBe('#0 initial state of edge-site');
      expect(initial.filter((line) => /^ {3}(esx-0\d|vm \w+):/.test(line))).toHaveLength(5);
    },
    TIMEOUT,
  );

  test(
    '--full prints the whole state at every step',
    () => {
      const { status, stdout } = kpm('replay', file('edge.yaml'), file('edge.events.yaml'), '--full');
      expect(status).toBe(0);
      expect(stepLines(stdout, 2)).toHaveLength(1 + 1 + 2 + 3);
      expect(stepLines(stdout, 2)).toContain(
        '   esx-02: link down, attested yes, persistence off, cache {app, vsan}, store {}, kdk {}, vsan mounted',
      );
    },
    TIMEOUT,
  );
});

describe('bad input: exit 2, problems on stderr, nothing on stdout', () => {
  test(
    'an invalid topology is reported as file:line: path: message',
    () => {
      const { status, stdout, stderr } = kpm(
        'replay',
        file('broken.yaml'),
        file('edge.events.yaml'),
        '--json',
      );
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${file('broken.yaml')}:5: hosts[1].tpm: `);
    },
    TIMEOUT,
  );

  test(
    'problems in both files are reported together',
    () => {
      const { status, stdout, stderr } = kpm('replay', file('broken.yaml'), file('bad.events.json'));
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${file('broken.yaml')}:5: `);
      expect(stderr).toContain(`${file('bad.events.json')}:1: [0].host: `);
    },
    TIMEOUT,
  );

  test(
    'a missing file',
    () => {
      const { status, stdout, stderr } = kpm('replay', file('nowhere.yaml'), file('edge.events.yaml'));
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(file('nowhere.yaml'));
    },
    TIMEOUT,
  );

  test(
    'an unknown command',
    () => {
      const { status, stdout, stderr } = kpm('frobnicate');
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain("unknown command 'frobnicate'");
    },
    TIMEOUT,
  );

  test(
    'an unknown option',
    () => {
      const { status, stdout, stderr } = kpm('replay', file('edge.yaml'), file('edge.events.yaml'), '--jsn');
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain("unknown option '--jsn'");
    },
    TIMEOUT,
  );

  test(
    'a missing argument',
    () => {
      const { status, stdout } = kpm('replay', file('edge.yaml'));
      expect(status).toBe(2);
      expect(stdout).toBe('');
    },
    TIMEOUT,
  );
});

test(
  '--version prints the package version, exit 0',
  () => {
    const { status, stdout } = kpm('--version');
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  },
  TIMEOUT,
);

describe('kpm check', () => {
  test(
    '--json on the bundled edge site: the verdicts of interface.md, exit 0, events files written',
    () => {
      const traces = file('traces');
      const junit = file('check.xml');
      const { status, stdout } = kpm('check', '--json', '--traces', traces, '--junit', junit);
      expect(status).toBe(0);
      const report = JSON.parse(stdout);
      expect(report).toMatchObject({ topology: 'edge-site', complete: true, states: 6088 });
      const av02 = report.properties.find((p: { id: string }) => p.id === 'AV-02');
      expect(av02).toMatchObject({
        expected: 'counterexample',
        result: 'counterexample',
        asExpected: true,
        subject: 'app',
      });
      expect(av02.trace).toEqual([
        { type: 'KMS_DOWN', provider: 'kms' },
        { type: 'HOST_REBOOT', host: 'esx-02' },
      ]);
      const av02File = traceFileName('edge-site', { id: 'AV-02', subject: 'app' });
      expect(av02File).toMatch(/^edge-site-AV-02-app-[0-9a-f]{12}\.json$/);
      expect(JSON.parse(readFileSync(join(traces, av02File), 'utf8'))).toEqual(av02.trace);
      expect(readFileSync(junit, 'utf8')).toContain(
        '<testcase classname="kpm.check.edge-site" name="AV-02 app">',
      );
    },
    TIMEOUT,
  );

  test(
    'the human report shows each witness step by step with its replay command',
    () => {
      const { status, stdout } = kpm('check', file('edge.yaml'), '--traces', file('traces2'));
      expect(status).toBe(0);
      expect(stdout).toContain('AV-05 (app), witness');
      expect(stdout).toContain('  #1 VCENTER_DOWN');
      expect(stdout).toContain(
        `replay: kpm replay ${file('edge.yaml')} ${join(file('traces2'), traceFileName('edge-site', { id: 'AV-05', subject: 'app' }))}`,
      );
      const verdicts = readManifest().find((e) => e.name === 'edge-site')?.check.verdicts.length;
      expect(stdout).toContain(`All ${verdicts} verdicts as expected.`);
    },
    TIMEOUT,
  );

  test(
    'a bound that leaves properties undecided exits 1',
    () => {
      const { status, stdout } = kpm('check', '--max-states', '20', '--traces', file('traces3'));
      expect(status).toBe(1);
      expect(stdout).toContain('bounded');
    },
    TIMEOUT,
  );

  test(
    'a bad topology exits 2 with its problems, and nothing on stdout',
    () => {
      const { status, stdout, stderr } = kpm('check', file('broken.yaml'));
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/broken\.yaml:\d+: /);
    },
    TIMEOUT,
  );

  test(
    'a bad option value exits 2',
    () => {
      const { status, stderr } = kpm('check', '--max-states', 'many');
      expect(status).toBe(2);
      expect(stderr).toContain('--max-states');
    },
    TIMEOUT,
  );
});
