/**
 * `kpm paths`: each target covers what it claims (checked by replaying its paths through the world
 * with the transition tracer, not by trusting the generator), every path starts from the steady
 * initial state and its expected observations are the model's, and each total is below its baseline.
 * A history makes each run cover what earlier ones left. Run against the reference implementation
 * (reference/), the paths pass, and catch its seeded bugs as the catch table says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
import { doneFor, readHistory, record, writeHistory, type History } from '../src/paths/history.ts';
import type { PathSuite, Target } from '../src/paths/suite.ts';
import { InputError } from '../src/errors.ts';
import { BUG_NAMES, BUGS } from '../reference/bugs.ts';
import {
  catchTable,
  COLUMNS,
  DEFAULT_SITES,
  formatCatchTable,
  type CatchTable,
} from '../reference/catch-table.ts';
import { describe as describeTransition } from '../src/statecharts/inventory.ts';
import { loadTopology } from '../src/topology/load.ts';
import { replay } from '../src/world/observe.ts';
import { traceTransitions } from '../src/world/world.ts';

const example = (name: string) =>
  loadTopology(fileURLToPath(new URL(`../examples/${name}.yaml`, import.meta.url)));

/** Each example explored once for the whole file. */
const explored = new Map<string, PreparedSite>();
function prepared(name: string): PreparedSite {
  let site = explored.get(name);
  if (!site) explored.set(name, (site = prepareSite(example(name))));
  return site;
}

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
  const site = prepared('tpm-less');
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
    site = prepared('edge-site');
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
    const a = generatePaths(site, { cover: 'walk', seed: 7, steps: 30, walks: 2 });
    const b = generatePaths(site, { cover: 'walk', seed: 7, steps: 30, walks: 2 });
    const c = generatePaths(site, { cover: 'walk', seed: 8, steps: 30, walks: 2 });
    expect(a.paths).toEqual(b.paths);
    expect(a.paths).not.toEqual(c.paths);
    expect(a.steps).toBe(60);
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
  const { graph } = prepared('legacy-7.0U1');
  const tour = postmanTour(graph);
  const seen = new Uint8Array(graph.edges);
  for (const walk of tour) {
    let at = 0;
    for (const step of walk) {
      expect(step.from).toBe(at);
      seen[step.edge] = 1;
      at = step.to;
    }
  }
  expect(seen.every((x) => x === 1)).toBe(true);
  const steps = tour.reduce((n, w) => n + w.length, 0);
  expect(steps).toBeLessThan(postmanTour(graph, { resetCost: graph.edges + 1 })[0].length);
});

test('graph: the suite names every transition of the graph once, below one shortest path per transition', () => {
  const site = prepared('tpm-less');
  const s = generatePaths(site, { cover: 'graph' });
  expectReplays(site.topology, s);
  expect(new Set(s.paths.flatMap((p) => p.covers)).size).toBe(site.graph.edges);
  expect(s.steps).toBeLessThan(s.baseline.steps);
});

test.each(['legacy-7.0U1', 'tpm-less'])(
  '%s: transitions, rules and refusals replay and stay below their baselines',
  (name) => {
    const site = prepared(name);
    for (const cover of ['transitions', 'rules', 'refusals'] as const) {
      const s = generatePaths(site, { cover, comparisons: false });
      expectReplays(site.topology, s);
      expect(s.coverage.covered).toBe(s.coverage.coverable);
      expect(s.steps, `${name} ${cover}`).toBeLessThan(s.baseline.steps);
    }
  },
);

describe('--history: a few steps a day', () => {
  const site = prepared('legacy-7.0U1');
  const dir = mkdtempSync(join(tmpdir(), 'kpm-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a day after another with `budget` steps, until nothing is left; the histories of each day. */
  function days(cover: Target, budget: number, file: string): History[] {
    const seen: History[] = [];
    for (let day = 0; day < 50; day++) {
      const history = readHistory(file, site.topology);
      const suite = generatePaths(site, {
        cover,
        maxSteps: budget,
        done: doneFor(history, cover),
        comparisons: false,
      });
      expect(suite.steps).toBeLessThanOrEqual(budget);
      if (suite.steps === 0 && (suite.coverage.left ?? []).length === 0) return seen;
      const next = record(history, suite);
      writeHistory(file, next);
      seen.push(next);
    }
    throw new Error(`${cover} did not converge in 50 days`);
  }

  test.each([
    ['transitions', 10],
    ['rules', 3],
  ] as const)('%s, %i steps a day: converges to what one run covers', (cover, budget) => {
    const full = generatePaths(site, { cover, comparisons: false });
    const history = days(cover, budget, join(dir, `${cover}.json`));
    const done = doneFor(history[history.length - 1], cover);
    const wanted = full.paths.flatMap((p) => p.steps.flatMap((s) => s.covers ?? []));
    expect(wanted.filter((id) => !done.has(id))).toEqual([]);
    // Every day brought something new, and the days together took no more than a few times one run.
    expect(history.every((h) => h.runs[h.runs.length - 1].covered > 0)).toBe(true);
    const steps = history[history.length - 1].runs.reduce((n, run) => n + run.steps, 0);
    expect(steps).toBeLessThan(4 * full.steps + budget);
  });

  test('after a run with --run, only the paths that passed count', () => {
    const suite = generatePaths(site, { cover: 'refusals' });
    const fresh = readHistory(join(dir, 'none.json'), site.topology);
    expect(doneFor(record(fresh, suite, new Set()), 'refusals').size).toBe(0);
    expect(doneFor(record(fresh, suite, new Set(['p1'])), 'refusals').size).toBe(
      suite.paths[0].steps.flatMap((s) => s.covers ?? []).length,
    );
  });

  test('a history of another site, or a file that is not one, is bad input', () => {
    const file = join(dir, 'other.json');
    writeHistory(file, {
      ...readHistory(join(dir, 'none.json'), site.topology),
      fingerprint: '0123456789abcdef',
    });
    expect(() => readHistory(file, site.topology)).toThrow(InputError);
    expect(() => readHistory(file, site.topology)).toThrow(/recorded for another site/);
    writeFileSync(file, '{"hello": 1}');
    expect(() => readHistory(file, site.topology)).toThrow(/not a kpm paths history/);
  });
});

describe('the catch table: the paths against the reference implementation and its seeded bugs', () => {
  // The edge site without its two exhaustive columns (110,865 and 22,296 steps, which
  // `npm run catch-table` runs), and the small Trust Authority site with every column.
  const cheap = ['transitions', 'rules', 'refusals', 'walk'] as const;
  let edge: CatchTable;
  let trusted: CatchTable;
  const caught = (table: CatchTable, bug: string) => table.rows.find((r) => r.bug === bug)?.caught;
  beforeAll(() => {
    edge = catchTable(prepared('edge-site'), cheap);
    trusted = catchTable(loadTopology(DEFAULT_SITES[1]));
  });

  test('the correct implementation passes every path of every column', () => {
    for (const c of cheap) expect(edge.correct[c], c).toBeNull();
    for (const c of COLUMNS) expect(trusted.correct[c], c).toBeNull();
  });

  test('at least ten seeded bugs of different kinds, each caught by some target on one of the two sites', () => {
    expect(BUG_NAMES.length).toBeGreaterThanOrEqual(10);
    expect(new Set(BUG_NAMES.map((b) => BUGS[b].rule)).size).toBeGreaterThanOrEqual(10);
    const missed = BUG_NAMES.filter(
      (bug) =>
        cheap.every((c) => caught(edge, bug)?.[c] === null) &&
        COLUMNS.every((c) => caught(trusted, bug)?.[c] === null),
    );
    expect(missed).toEqual([]);
  });

  test('transitions catch bugs at the reset, at a reboot, at an unlock and in the disk group', () => {
    const steps = (bug: string) => caught(edge, bug)?.transitions?.steps ?? null;
    expect(steps('autostart-ignored')).toBe(0);
    expect(steps('kek-floor-off-by-one')).toBe(0);
    for (const bug of [
      'cache-survives-reboot',
      'store-kept-after-disable',
      'disk-group-no-retry',
      'unlock-powers-on',
    ]) {
      expect(steps(bug), bug).toBeGreaterThan(0);
    }
  });

  test('only refusals catch a locked VM that powers on and KMS_DOWN accepted on a native provider', () => {
    for (const bug of ['power-on-ignores-lock', 'kms-down-on-native']) {
      expect(cheap.filter((c) => caught(edge, bug)?.[c] !== null)).toEqual(['refusals']);
    }
  });

  test('what transitions and graph catch that state coverage misses', () => {
    expect(caught(trusted, 'unlock-powers-on')?.transitions).not.toBeNull();
    expect(caught(trusted, 'unlock-powers-on')?.states).toBeNull();
    expect(caught(trusted, 'vcenter-for-trusted')?.graph?.events).toEqual([
      { type: 'VCENTER_DOWN' },
      { type: 'HOST_REBOOT', host: 'esx-01' },
    ]);
    expect(caught(trusted, 'vcenter-for-trusted')?.states).toBeNull();
  });

  test('the printed table: a row per bug, a pass per column for the correct implementation, the shortest catches', () => {
    const lines = formatCatchTable(trusted);
    expect(lines[2].split(/\s+/)).toEqual(['bug', 'rule', ...COLUMNS]);
    expect(lines[3]).toMatch(/^\(correct implementation\)\s+pass\s+pass\s+pass\s+pass\s+pass\s+pass$/);
    expect(lines.filter((l) => BUG_NAMES.some((b) => l.startsWith(`${b} `)))).toHaveLength(BUG_NAMES.length);
    expect(lines).toContain('Caught by transitions, missed by state coverage (states): unlock-powers-on');
    expect(lines.find((l) => l.startsWith('  vcenter-for-trusted'))).toMatch(
      /VCENTER_DOWN, HOST_REBOOT esx-01 {2}\[graph/,
    );
  });
});
