/**
 * `kpm paths`: each target covers what it claims (checked by replaying its paths through the world
 * with the transition tracer, not by trusting the generator), every path starts from the steady
 * initial state and its expected observations are the model's, and each total is below its baseline.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { KpmEvent } from '../models/events.ts';
import type { Topology } from '../models/topology.ts';
import { alwaysRefused } from '../src/explore/instances.ts';
import {
  edgeCoverage,
  edgeCoverageTraced,
  instanceOf,
  instanceTransition,
} from '../src/paths/edge-coverage.ts';
import { generatePaths, prepareSite, withinBudget, type PreparedSite } from '../src/paths/generate.ts';
import { postmanTour } from '../src/paths/postman.ts';
import type { PathSuite } from '../src/paths/suite.ts';
import { describe as describeTransition } from '../src/statecharts/inventory.ts';
import { loadTopology } from '../src/topology/load.ts';
import { replay } from '../src/world/observe.ts';
import { traceTransitions } from '../src/world/world.ts';

const example = (name: string) =>
  loadTopology(fileURLToPath(new URL(`../examples/${name}.yaml`, import.meta.url)));

/** The statechart transitions (per component) that replaying `events` takes, reset included. */
function takenBy(topology: Topology, events: readonly KpmEvent[]): Set<string> {
  const taken = new Set<string>();
  const previous = traceTransitions((record) => {
    for (const t of record.taken) {
      taken.add(instanceTransition(record.machine.id, instanceOf(record), describeTransition(t).id));
    }
  });
  try {
    replay(topology, events);
  } finally {
    traceTransitions(previous);
  }
  return taken;
}

/** Every path replays through the model to the outcomes and states it expects. */
function expectReplays(topology: Topology, suite: PathSuite): void {
  for (const path of suite.paths) {
    const result = replay(
      topology,
      path.steps.map((s) => s.event),
    );
    expect(result.steps[0].state).toEqual(suite.initial);
    path.steps.forEach((step, k) => {
      expect({ path: path.id, step: k + 1, outcome: result.steps[k + 1].outcome }).toEqual({
        path: path.id,
        step: k + 1,
        outcome: step.outcome,
      });
      expect(result.steps[k + 1].state).toEqual(step.state);
    });
  }
}

test('per-edge coverage: the cached parts give exactly what tracing every step gives', () => {
  const site = prepareSite(example('tpm-less'));
  const cached = edgeCoverage(site.graph);
  expect(cached.edge).toEqual(edgeCoverageTraced(site.graph));
  expect(cached.traced).toBeLessThan(site.graph.edges / 5);
});

describe('the bundled edge site', () => {
  let site: PreparedSite;
  const suites = new Map<string, PathSuite>();
  const suite = (cover: 'transitions' | 'rules' | 'refusals' | 'walk') => {
    if (!suites.has(cover)) suites.set(cover, generatePaths(site, { cover }));
    return suites.get(cover) as PathSuite;
  };
  beforeAll(() => {
    site = prepareSite(example('edge-site'));
  });

  test('per-edge coverage: the cache agrees with tracing on a sample of the edge site', () => {
    const sample = Array.from({ length: 300 }, (_, i) => (i * 7919) % site.graph.edges);
    const traced = edgeCoverageTraced(site.graph, sample);
    sample.forEach((edge, i) => expect(site.coverage().edge[edge]).toEqual(traced[i]));
  });

  test('transitions: every transition the site can take is taken, in fewer steps than the baseline and than XState', () => {
    const s = suite('transitions');
    expectReplays(site.topology, s);
    const taken = takenBy(site.topology, []);
    for (const path of s.paths)
      for (const t of takenBy(
        site.topology,
        path.steps.map((x) => x.event),
      ))
        taken.add(t);
    const coverage = site.coverage();
    const coverable = new Set([
      ...coverage.reset.transitions,
      ...coverage.edge.flatMap((c) => c.transitions),
    ]);
    expect([...coverable].filter((t) => !taken.has(t))).toEqual([]);
    expect(s.coverage).toMatchObject({ covered: coverable.size, coverable: coverable.size });
    // The orchestration's transitions are among them.
    expect([...coverable].some((t) => t.startsWith('site.ready HOST_REBOOT'))).toBe(true);
    expect([...coverable].some((t) => t.startsWith('boot.unlockingVms always'))).toBe(true);
    expect(s.coverage.notCoverable.find((n) => n.id.startsWith('vm.locked KEY_CHECK'))?.why).toMatch(
      /autoUnlock/,
    );
    expect(s.steps).toBeLessThan(s.baseline.steps);
    const [machines, perState] = s.comparisons ?? [];
    expect(machines.name).toMatch(/createTestModel/);
    expect(s.steps).toBeLessThan(machines.steps);
    expect(perState.steps).toBe(41708); // the figure: one shortest path per state
    expect(perState.covers).toBeLessThan(coverable.size);
  });

  test('rules: each rule shown at its least distance, its step marked; in fewer steps than one path per rule', () => {
    const s = suite('rules');
    expectReplays(site.topology, s);
    const shown = s.paths.flatMap((p) => p.covers);
    expect(new Set(shown).size).toBe(s.coverage.covered);
    expect(shown).toEqual(expect.arrayContaining(['KP-07', 'KP-11', 'DOC-04', 'DOC-05', 'ASM-03']));
    for (const path of s.paths) {
      for (const step of path.steps.filter((x) => x.covers)) expect(step.marked?.length).toBeGreaterThan(0);
    }
    expect(s.coverage.notCoverable.map((n) => n.id)).toEqual(expect.arrayContaining(['KP-15', 'KP-16']));
    expect(s.steps).toBeLessThan(s.baseline.steps);
  });

  test('refusals: every refusal, the events the explorer leaves out included, each seen refused', () => {
    const s = suite('refusals');
    expectReplays(site.topology, s);
    const refused = s.paths.flatMap((p) => p.steps.filter((x) => x.covers).map((x) => x));
    expect(refused.every((x) => x.outcome === 'refused' && typeof x.reason === 'string')).toBe(true);
    const tried = new Set(refused.map((x) => JSON.stringify(x.event)));
    for (const event of alwaysRefused(site.topology)) expect(tried.has(JSON.stringify(event))).toBe(true);
    const ids = s.paths.flatMap((p) => p.steps.flatMap((x) => x.covers ?? []));
    expect(ids).toEqual(
      expect.arrayContaining([
        'VM_POWER_ON app refused (vm.locked)',
        'VM_UNLOCK app refused (vm.locked)',
        'KMS_DOWN nkp refused (provider.native)',
        'KEY_PERSISTENCE_ENABLE esx-02 refused (persistence.unsupported.noTpm2)',
      ]),
    );
    expect(s.coverage.covered).toBe(s.coverage.coverable);
    expect(s.steps).toBeLessThan(s.baseline.steps);
  });

  test('walk: seeded, the same seed the same walks, and below its baseline', () => {
    const a = generatePaths(site, { cover: 'walk', seed: 7, steps: 60, walks: 2 });
    const b = generatePaths(site, { cover: 'walk', seed: 7, steps: 60, walks: 2 });
    const c = generatePaths(site, { cover: 'walk', seed: 8, steps: 60, walks: 2 });
    expect(a.paths).toEqual(b.paths);
    expect(a.paths).not.toEqual(c.paths);
    expect(a.steps).toBe(120);
    expectReplays(site.topology, a);
    expect(a.steps).toBeLessThan(a.baseline.steps);
  });

  test('graph: the optimal tour without resets takes the issue figure, 114,728 steps', () => {
    const tour = postmanTour(site.graph, { resetCost: site.graph.edges + 1 });
    expect(tour).toHaveLength(1);
    expect(tour[0].length).toBe(114728);
  });

  test('a step budget cuts the paths and reports what it leaves', () => {
    const s = suite('transitions');
    const cut = withinBudget(s, 10);
    expect(cut.steps).toBe(10);
    expect(cut.coverage.covered + (cut.coverage.left?.length ?? 0)).toBe(s.coverage.covered);
  });
});

test('graph: every transition of the explored graph, each path from the initial state, fewer steps with resets', () => {
  const site = prepareSite(example('legacy-7.0U1'));
  const s = generatePaths(site, { cover: 'graph' });
  const seen = new Uint8Array(site.graph.edges);
  for (const walk of postmanTour(site.graph)) {
    let at = 0;
    for (const step of walk) {
      expect(step.from).toBe(at);
      seen[step.edge] = 1;
      at = step.to;
    }
  }
  expect(seen.every((x) => x === 1)).toBe(true);
  expect(new Set(s.paths.flatMap((p) => p.covers)).size).toBe(site.graph.edges);
  const [withoutResets] = s.comparisons ?? [];
  expect(s.steps).toBeLessThan(withoutResets.steps);
  expect(s.steps).toBeLessThan(s.baseline.steps);
  expectReplays(site.topology, { ...s, paths: s.paths.slice(0, 20) });
});

test.each(['legacy-7.0U1', 'tpm-less'])(
  '%s: transitions, rules and refusals replay and stay below their baselines',
  (name) => {
    const site = prepareSite(example(name));
    for (const cover of ['transitions', 'rules', 'refusals'] as const) {
      const s = generatePaths(site, { cover, comparisons: false });
      expectReplays(site.topology, s);
      expect(s.coverage.covered).toBe(s.coverage.coverable);
      expect(s.steps, `${name} ${cover}`).toBeLessThan(s.baseline.steps);
    }
  },
);
