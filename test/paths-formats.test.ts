/**
 * The forms of the paths: the Markdown test plan reads as actions a person performs and what to
 * check; the ITF files follow Apalache's ADR-015 (checked by a validator of the ADR's grammar); the
 * generated vitest file runs the paths through an adapter module (here, against the reference).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { itfTrace, ITF_VARS } from '../src/paths/formats/itf.ts';
import { action, markdownPlan } from '../src/paths/formats/markdown.ts';
import { vitestFile } from '../src/paths/formats/vitest.ts';
import { generatePaths, prepareSite } from '../src/paths/generate.ts';
import { alwaysRefused, eventInstances } from '../src/explore/instances.ts';
import { loadTopology } from '../src/topology/load.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const edge = loadTopology(root('examples/edge-site.yaml'));
const legacy = loadTopology(root('examples/legacy-7.0U1.yaml'));
const site = prepareSite(legacy);
const transitions = generatePaths(site, { cover: 'transitions', comparisons: false });
const refusals = generatePaths(site, { cover: 'refusals' });

describe('--format md', () => {
  const plan = markdownPlan(transitions, legacy, 'kpm paths legacy-7.0U1.yaml --format md');
  const refusalPlan = markdownPlan(
    refusals,
    legacy,
    'kpm paths legacy-7.0U1.yaml --cover refusals --format md',
  );

  test('every event reads as an action a person performs, never as an event name', () => {
    for (const event of [...eventInstances(edge), ...alwaysRefused(edge)]) {
      const words = action(event, edge);
      expect(words).toMatch(/^[A-Z]/);
      if (!words.startsWith('Ask the implementation')) expect(words).not.toContain(event.type);
    }
    expect(action({ type: 'KEY_PERSISTENCE_ENABLE', host: 'esx-01' }, edge)).toBe(
      'On esx-01: `esxcli system security keypersistence enable`.',
    );
    expect(action({ type: 'KMS_DOWN', provider: 'kms' }, edge)).toBe(
      'Stop the key server `kms` (or cut the site off from it).',
    );
    expect(action({ type: 'HOST_REBOOT', host: 'esx-02' }, edge)).toMatch(/^Reboot esx-02/);
  });

  test('a plan: the steady state, then each path as numbered steps with what to check after each', () => {
    expect(plan).toMatch(/^# Test plan: legacy-7.0U1, transitions/);
    expect(plan).toContain('## Before every path: the steady state');
    expect(plan).toContain('- VM `app` on esx-02: powered on.');
    const steps = plan.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(steps).toHaveLength(transitions.steps);
    // After each step: what changes (or that nothing does), then the key facts of the host concerned.
    const after = plan.split(/\n\d+\. /).slice(1);
    for (const block of after) expect(block).toMatch(/\n {3}- Expect(:| an error)/);
    expect(plan).toContain('`esxcli system security keypersistence get` shows `Enabled: false`');
    expect(plan).toMatch(/its vSAN disk group is (mounted|unmounted)/);
    expect(plan).toMatch(/VM `app` is powered off and locked/);
  });

  test('a negative test says the step must be refused and that nothing changes', () => {
    expect(refusalPlan).toContain(
      'Power on VM `app` (vSphere Client: Actions > Power > Power On). This **must be refused**.',
    );
    expect(refusalPlan).toContain(
      "Expect an error (the model's reason: the VM is locked; unlock it first (DOC-04)); nothing changes.",
    );
  });
});

/** Apalache ADR-015: the trace object, state objects, and the grammar of expressions. */
function itfProblems(trace: unknown): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const expression = (v: unknown, where: string): void => {
    if (typeof v === 'string' || typeof v === 'boolean') return;
    if (Array.isArray(v)) return v.forEach((x, i) => expression(x, `${where}[${i}]`));
    if (!isObject(v)) return void problems.push(`${where}: not an ITF expression: ${JSON.stringify(v)}`);
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '#bigint') {
      if (typeof v['#bigint'] !== 'string' || !/^-?[0-9]+$/.test(v['#bigint']))
        problems.push(`${where}: bad #bigint`);
      return;
    }
    if (keys.length === 1 && (keys[0] === '#set' || keys[0] === '#tup')) {
      const items = v[keys[0]];
      if (!Array.isArray(items)) return void problems.push(`${where}: ${keys[0]} needs an array`);
      return items.forEach((x, i) => expression(x, `${where}.${keys[0]}[${i}]`));
    }
    if (keys.length === 1 && keys[0] === '#map') {
      const pairs = v['#map'];
      if (!Array.isArray(pairs)) return void problems.push(`${where}: #map needs an array`);
      return pairs.forEach((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) return void problems.push(`${where}.#map[${i}]: not a pair`);
        expression(p[0], `${where}.#map[${i}][0]`);
        expression(p[1], `${where}.#map[${i}][1]`);
      });
    }
    if (keys.length === 1 && keys[0] === '#unserializable') return;
    // A record (a variant is a record of `tag` and `value`): field names do not start with '#'.
    for (const key of keys) {
      if (key.startsWith('#')) problems.push(`${where}: record field ${key} starts with #`);
      expression(v[key], `${where}.${key}`);
    }
  };
  if (!isObject(trace)) return ['the trace is not an object'];
  for (const key of Object.keys(trace)) {
    if (!['#meta', 'params', 'vars', 'states', 'loop'].includes(key))
      problems.push(`unknown trace field ${key}`);
  }
  if (trace['#meta'] !== undefined && !isObject(trace['#meta'])) problems.push('#meta is not an object');
  const vars = trace.vars;
  if (!Array.isArray(vars) || !vars.every((v) => typeof v === 'string'))
    return [...problems, 'vars is not an array of strings'];
  if (!Array.isArray(trace.states)) return [...problems, 'states is not an array'];
  trace.states.forEach((state, i) => {
    if (!isObject(state)) return void problems.push(`states[${i}] is not an object`);
    if (state['#meta'] !== undefined && !isObject(state['#meta']))
      problems.push(`states[${i}].#meta is not an object`);
    for (const name of vars) {
      if (!(name in state)) problems.push(`states[${i}] lacks ${name}`);
      else expression(state[name], `states[${i}].${name}`);
    }
    for (const key of Object.keys(state)) {
      if (key !== '#meta' && !vars.includes(key)) problems.push(`states[${i}].${key} is not a var`);
    }
  });
  return problems;
}

describe('--format itf', () => {
  test('the validator knows a bad trace when it sees one', () => {
    expect(itfProblems({ vars: ['x'], states: [{ x: 1 }] })).toEqual([
      'states[0].x: not an ITF expression: 1',
    ]);
    expect(itfProblems({ vars: ['x'], states: [{}] })).toEqual(['states[0] lacks x']);
    expect(itfProblems({ vars: ['x'], states: [{ x: { '#set': 'a' } }] })).toEqual([
      'states[0].x: #set needs an array',
    ]);
    expect(itfProblems({ vars: ['x'], states: [{ x: null }] })).toHaveLength(1);
  });

  test.each([
    ['transitions', transitions],
    ['refusals', refusals],
  ] as const)(
    '%s: every path is an ADR-015 trace, its actions the events, Quint-style MBT fields',
    (_, suite) => {
      for (const path of suite.paths) {
        const trace = itfTrace(suite, path, 'examples/legacy-7.0U1.yaml') as {
          '#meta': { varTypes: Record<string, string> };
          vars: string[];
          states: Record<string, unknown>[];
        };
        expect(itfProblems(trace)).toEqual([]);
        expect(trace.vars).toEqual(ITF_VARS);
        expect(Object.keys(trace['#meta'].varTypes)).toEqual(ITF_VARS);
        expect(trace.states).toHaveLength(path.steps.length + 1);
        expect(trace.states[0]['mbt::actionTaken']).toBe('init');
        path.steps.forEach((step, k) => {
          const state = trace.states[k + 1];
          expect(state['#meta']).toMatchObject({ index: k + 1 });
          expect(state['mbt::actionTaken']).toBe(step.event.type);
          expect(state.outcome).toBe(step.outcome);
          const picks = state['mbt::nondetPicks'] as Record<string, { tag: string; value: unknown }>;
          for (const [field, id] of Object.entries(step.event).filter(([f]) => f !== 'type')) {
            expect(picks[field]).toEqual({ tag: 'Some', value: id });
          }
        });
      }
    },
  );
});

// The generated test file, written beside the repository's scratch files (.kpm is neither committed
// nor formatted) and imported here: its tests run as part of this file, against the reference.
const generated = root('.kpm/generated');
mkdirSync(generated, { recursive: true });
const small = loadTopology(root('examples/tpm-less.yaml'));
const smallSuite = generatePaths(prepareSite(small), { cover: 'transitions', comparisons: false });
const adapterModule = relative(generated, root('reference/adapter.ts'));
const file = join(generated, 'tpm-less.paths.test.ts');
writeFileSync(
  file,
  vitestFile(smallSuite, small, adapterModule, 'kpm paths examples/tpm-less.yaml --format vitest'),
);

describe('--format vitest: the generated file, run here against the reference adapter module', () => {
  test('it imports the adapter module it was given and names each path', () => {
    expect(vitestFile(smallSuite, small, './adapter.ts', 'kpm')).toContain(
      'import * as adapter from "./adapter.ts";',
    );
  });
});

await import(pathToFileURL(file).href);
