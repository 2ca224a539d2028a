/**
 * `kpm check` on every bundled example: the counts and verdicts of examples/manifest.json, every
 * verdict as expected, and the documented counterexamples in their minimal form. The manifest's
 * counts are the full product's (`--full`); its verdicts, subjects and trace lengths hold for the
 * full product and for the compositional check alike.
 */
import { describe, expect, test } from 'vitest';
import { runCheck } from '../src/check/run.ts';
import { formatEvent } from '../src/events.ts';
import { replay } from '../src/world/observe.ts';
import { loadTopology } from '../src/topology/load.ts';
import { junitXml } from '../src/check/junit.ts';
import { MUTANTS } from './mutants/index.ts';
import { PROPERTIES } from '../src/catalogue/catalogue.ts';
import { readManifest } from '../src/examples/manifest.ts';

describe.each(readManifest().map((e) => [e.name, e] as const))('kpm check %s', (_, example) => {
  const topology = loadTopology(`examples/${example.topology}`);
  const full = runCheck(topology, { full: true });
  const report = runCheck(topology);

  test('explores the manifest’s number of states, transitions and depth, completely (--full)', () => {
    const { complete, distinctStates, transitions, depth } = example.check;
    expect({
      complete: full.complete,
      distinctStates: full.states,
      transitions: full.transitions,
      depth: full.depth,
    }).toEqual({ complete, distinctStates, transitions, depth });
    expect(full.method).toBe('full product');
    expect(full.fullProduct).toEqual({ states: distinctStates, transitions, depth, complete });
  });

  test.each([
    ['compositional', report],
    ['--full', full],
  ])(
    'finds the manifest’s verdicts, subject by subject: expected, found, and the length of each trace (%s)',
    (_, r) => {
      const found = r.properties.map((p) => ({
        id: p.id,
        subject: p.subject,
        expected: p.expected,
        result: p.result,
        ...(p.trace === null ? {} : { steps: p.trace.length }),
      }));
      expect(found).toEqual(example.check.verdicts);
      expect(r.operator.map((a) => [a.vm, a.trace?.length ?? null])).toEqual(
        full.operator.map((a) => [a.vm, a.trace?.length ?? null]),
      );
    },
  );

  test('every verdict is as expected', () => {
    const wrong = report.properties
      .filter((p) => !p.asExpected)
      .map((p) => `${p.id} ${p.subject}: ${p.evidence}`);
    expect(wrong).toEqual([]);
  });

  test('one entry per property of the catalogue, each present', () => {
    expect([...new Set(report.properties.map((p) => p.id))]).toEqual(PROPERTIES.map((p) => p.id));
  });

  test('every trace replays to what it claims, in its minimal form', () => {
    for (const p of report.properties.filter((r) => r.trace !== null)) {
      const trace = p.trace ?? [];
      const steps = replay(topology, trace).steps;
      expect(
        steps.every((s) => s.outcome === 'applied'),
        `${p.id} ${p.subject}`,
      ).toBe(true);
      if (p.id === 'AV-02' || p.id === 'AV-05') {
        expect(trace.map(formatEvent), `${p.id} ${p.subject}`).toHaveLength(2);
        expect(trace[1]).toEqual({
          type: 'HOST_REBOOT',
          host: topology.vms.find((v) => v.id === p.subject)?.host,
        });
      }
      if (p.id === 'AV-05') expect(trace[0]).toEqual({ type: 'VCENTER_DOWN' });
    }
  });

  test('the JUnit report has one case per verdict', () => {
    const xml = junitXml(report);
    expect(xml.match(/<testcase /g)).toHaveLength(report.properties.length);
    expect(xml).toContain('failures="0"');
  });
});

test('the edge site answers the operator: only app can be brought down, by an outage and a reboot', () => {
  const report = runCheck(loadTopology('examples/edge-site.yaml'));
  const answers = Object.fromEntries(report.operator.map((a) => [a.vm, a.trace?.map(formatEvent) ?? null]));
  expect(answers).toEqual({ db: null, app: ['KMS_DOWN kms', 'HOST_REBOOT esx-02'], dc: null });
});

test('a bound is reported as bounded, never as holds', () => {
  const report = runCheck(loadTopology('examples/edge-site.yaml'), { maxStates: 50, randomRuns: 5 });
  expect(report.complete).toBe(false);
  const sec01 = report.properties.find((p) => p.id === 'SEC-01');
  expect(sec01?.result).toBe('bounded');
  expect(sec01?.asExpected).toBe(false);
  // A counterexample within the bound is still found: AV-02 needs two steps only.
  expect(report.properties.find((p) => p.id === 'AV-02')?.result).toBe('counterexample');
});

test('past the bound, random runs still find a planted bug, and report statechart coverage', () => {
  const mutant = MUTANTS.find((m) => m.name === 'reboot-keeps-cache');
  if (!mutant) throw new Error('mutant reboot-keeps-cache is gone');
  const report = runCheck(loadTopology('examples/edge-site.yaml'), {
    model: mutant.model,
    maxDepth: 0,
    seed: 7,
  });
  const sec05 = report.properties.find((p) => p.id === 'SEC-05');
  expect(sec05).toMatchObject({ result: 'counterexample', method: 'random', asExpected: false });
  // Its own seed, derived from --seed 7 and its place among the searches, in the evidence and the report.
  const search = report.random?.searches.find((s) => s.id === 'SEC-05' && s.hosts.includes('esx-02'));
  expect(report.random?.seed).toBe(7);
  expect(sec05?.evidence).toContain(`random runs (seed ${search?.seed})`);
  expect(sec05?.trace?.length).toBeLessThanOrEqual(3); // shrunk from up to 60 events
  expect(report.random?.coverage.machines.vm.missedStates).toEqual([]);
});
