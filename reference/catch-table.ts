/**
 * The catch table: which kind of test path finds which seeded bug of the reference implementation,
 * and the shortest path that does (the events from the reset to the first divergence).
 *
 *   npm run catch-table [-- site.yaml ...]     (the edge site and sites/trusted-branch.yaml by default)
 *
 * Columns: the targets of `kpm paths`, and `states`, one shortest path per state of the explored
 * graph (what XState's getShortestPaths gives): a bug that `transitions` catches and `states` does
 * not is one that state coverage misses. The correct implementation must pass every path.
 *
 * The paths run in this process against the reference's functions (the module form of the
 * adapter), compared as `kpm paths --run` compares them (src/paths/run.ts).
 */
import { fileURLToPath } from 'node:url';
import type { KpmEvent } from '../models/events.ts';
import type { Topology } from '../models/topology.ts';
import { formatEvent } from '../src/events.ts';
import { generatePaths, prepareSite, type PreparedSite } from '../src/paths/generate.ts';
import { bfs } from '../src/paths/graph.ts';
import { stateDiff } from '../src/paths/run.ts';
import { toTestPaths, type PathSuite, type TestPath } from '../src/paths/suite.ts';
import type { Walk } from '../src/paths/tour.ts';
import { loadTopology } from '../src/topology/load.ts';
import { createAdapter } from './adapter.ts';
import { BUG_NAMES, BUGS, type Bug } from './bugs.ts';

export const COLUMNS = ['transitions', 'rules', 'refusals', 'graph', 'walk', 'states'] as const;
export type Column = (typeof COLUMNS)[number];

/** Where one column first sees a bug: the path, the step, the events that reproduce it. */
export interface Catch {
  path: string;
  /** Steps from the reset to the divergence (0: right after the reset). */
  steps: number;
  events: KpmEvent[];
}

export interface CatchTable {
  site: string;
  /** Total steps of each column's suite. */
  suiteSteps: Record<Column, number>;
  /** Each column's paths against the correct implementation: null when every path passes. */
  correct: Record<Column, Catch | null>;
  rows: { bug: Bug; rule: string; what: string; caught: Record<Column, Catch | null> }[];
}

/** The table on a site (a topology, or a site already explored), for the columns and bugs given. */
export function catchTable(
  on: Topology | PreparedSite,
  columns: readonly Column[] = COLUMNS,
  bugs = BUG_NAMES,
): CatchTable {
  const site = 'graph' in on ? on : prepareSite(on);
  const topology = site.topology;
  const suites = Object.fromEntries(columns.map((c) => [c, suiteFor(site, c)])) as Record<Column, PathSuite>;
  const run = (active: readonly Bug[]) =>
    Object.fromEntries(columns.map((c) => [c, shortestCatch(topology, suites[c], active)])) as Record<
      Column,
      Catch | null
    >;
  return {
    site: topology.name,
    suiteSteps: Object.fromEntries(columns.map((c) => [c, suites[c].steps])) as Record<Column, number>,
    correct: run([]),
    rows: bugs.map((bug) => ({ bug, rule: BUGS[bug].rule, what: BUGS[bug].what, caught: run([bug]) })),
  };
}

function suiteFor(site: PreparedSite, column: Column): PathSuite {
  if (column === 'states') return shortestPerState(site);
  return generatePaths(site, { cover: column, comparisons: false });
}

/**
 * One shortest path per state, as XState's getShortestPaths gives them (a path that is the start
 * of another is left out: the longer one passes through its state).
 */
function shortestPerState(site: PreparedSite): PathSuite {
  const { graph } = site;
  const tree = bfs(graph, 0);
  const inner = new Uint8Array(graph.states);
  for (let s = 1; s < graph.states; s++) inner[graph.edgeFrom[tree.via[s]]] = 1;
  const walks: Walk[] = [];
  for (let s = 1; s < graph.states; s++) {
    if (inner[s]) continue;
    const walk: Walk = [];
    for (let t = s; tree.via[t] >= 0; t = graph.edgeFrom[tree.via[t]]) {
      const i = tree.via[t];
      walk.push({ from: graph.edgeFrom[i], event: graph.edgeEvent[i], edge: i, to: graph.edgeTo[i] });
    }
    walks.push(walk.reverse());
  }
  const paths = toTestPaths(graph, walks);
  return {
    topology: site.topology.name,
    cover: 'transitions',
    initial: graph.observed(0),
    paths,
    coverage: { covered: graph.states, coverable: graph.states, notCoverable: [] },
    steps: walks.reduce((n, w) => n + w.length, 0),
    baseline: { name: 'one shortest path per state', steps: 0 },
    notes: [],
    elapsedMs: 0,
  };
}

/**
 * The shortest divergence of any path of the suite, against the reference with `bugs` seeded:
 * shorter paths first, and no path is run further than the best divergence found so far.
 */
function shortestCatch(topology: Topology, suite: PathSuite, bugs: readonly Bug[]): Catch | null {
  const adapter = createAdapter(bugs);
  const order = [...suite.paths].sort((a, b) => a.steps.length - b.steps.length);
  let best: Catch | null = null;
  for (const path of order) {
    const found = divergence(topology, suite, path, adapter, best === null ? Infinity : best.steps - 1);
    if (found !== null) best = found;
    if (best?.steps === 0) break;
  }
  return best;
}

function divergence(
  topology: Topology,
  suite: PathSuite,
  path: TestPath,
  adapter: ReturnType<typeof createAdapter>,
  within: number,
): Catch | null {
  if (within < 0) return null;
  adapter.reset(topology as never);
  if (stateDiff(suite.initial, adapter.observe().state).length > 0)
    return { path: path.id, steps: 0, events: [] };
  const steps = path.steps.slice(0, within);
  for (const [k, step] of steps.entries()) {
    const reply = adapter.apply(step.event as never);
    if (reply.outcome !== step.outcome || stateDiff(step.state, adapter.observe().state).length > 0) {
      return { path: path.id, steps: k + 1, events: path.steps.slice(0, k + 1).map((s) => s.event) };
    }
  }
  return null;
}

/** The table for a person: steps to the first divergence per bug and column, then the shortest catches. */
export function formatCatchTable(table: CatchTable, columns: readonly Column[] = COLUMNS): string[] {
  const cell = (c: Catch | null) => (c === null ? '-' : String(c.steps));
  const header = ['bug', 'rule', ...columns];
  const rows = [
    [
      '(correct implementation)',
      '',
      ...columns.map((c) => (table.correct[c] === null ? 'pass' : `FAIL ${cell(table.correct[c])}`)),
    ],
    ...table.rows.map((r) => [r.bug, r.rule, ...columns.map((c) => cell(r.caught[c]))]),
    ['(steps in the suite)', '', ...columns.map((c) => String(table.suiteSteps[c]))],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [
    `Catch table on ${table.site}: steps from the reset to the first divergence of the shortest path that catches each seeded bug (-: not caught)`,
    '',
    line(header),
    ...rows.map(line),
    '',
    'Shortest catch of each bug (the events that reproduce it):',
  ];
  for (const row of table.rows) {
    const catches = columns.map((c) => ({ c, k: row.caught[c] })).filter((x) => x.k !== null);
    if (catches.length === 0) {
      out.push(`  ${row.bug}: not caught on this site (${row.what})`);
      continue;
    }
    const { c, k } = catches.reduce((a, b) => ((b.k as Catch).steps < (a.k as Catch).steps ? b : a));
    const events = (k as Catch).events.map(formatEvent).join(', ') || '(the reset itself)';
    out.push(`  ${row.bug} (${row.what}): ${events}  [${c} ${(k as Catch).path}]`);
  }
  const names = (pick: (r: CatchTable['rows'][number]) => boolean) =>
    table.rows
      .filter(pick)
      .map((r) => r.bug)
      .join(', ') || 'none';
  if (columns.includes('transitions') && columns.includes('states')) {
    out.push(
      '',
      `Caught by transitions, missed by state coverage (states): ${names((r) => r.caught.transitions !== null && r.caught.states === null)}`,
    );
  }
  if (columns.includes('graph') && columns.includes('states')) {
    out.push(
      `Caught by graph, missed by state coverage (states): ${names((r) => r.caught.graph !== null && r.caught.states === null)}`,
    );
  }
  if (columns.includes('refusals')) {
    out.push(
      `Caught only by refusals: ${names((r) => r.caught.refusals !== null && columns.every((c) => c === 'refusals' || r.caught[c] === null))}`,
    );
  }
  return out;
}

function isEntryPoint(): boolean {
  return process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
}

/** The bundled edge site, and a small Trust Authority site where the trusted-provider bugs show. */
export const DEFAULT_SITES = [
  fileURLToPath(new URL('../examples/edge-site.yaml', import.meta.url)),
  fileURLToPath(new URL('./sites/trusted-branch.yaml', import.meta.url)),
];

if (isEntryPoint()) {
  const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_SITES;
  let missed = new Set<Bug>(BUG_NAMES);
  let failed = false;
  for (const file of files) {
    const table = catchTable(loadTopology(file));
    process.stdout.write(`${formatCatchTable(table).join('\n')}\n\n`);
    missed = new Set(
      [...missed].filter((bug) =>
        COLUMNS.every((c) => table.rows.find((r) => r.bug === bug)?.caught[c] === null),
      ),
    );
    failed ||= COLUMNS.some((c) => table.correct[c] !== null);
  }
  process.stdout.write(`Bugs no site caught: ${[...missed].join(', ') || 'none'}\n`);
  if (failed || missed.size > 0) process.exitCode = 1;
}
