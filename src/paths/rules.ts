/**
 * `--cover rules`: for each KP, DOC and ASM rule that can show on the site, a shortest path that
 * shows it, with the step that shows it and the observation fields that change there marked.
 *
 * A rule shows on a step that takes a transition, or enters a state, carrying it in `meta.rules`
 * (edge-coverage.ts). A lab must see it, so the steps that change the observation are the ones that
 * count, where a rule has any (a step that changes nothing a lab can see, such as a TPM replaced and
 * refilled at once, shows a rule only where no other step does). Its shortest path ends with one of
 * its showing steps at the least distance from the initial state. Such paths share prefixes: a path that shows a deep rule may show others
 * on its way, each at its own least distance, and then serves them all. So the deepest rule still
 * left is taken first, through the shortest path (among all of them, by dynamic programming over
 * the breadth-first layers) that shows the most rules left at their least distance; the rules it
 * shows are done. Every rule keeps a shortest path, and the total is below one path per rule.
 */
import type { AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS } from '../../models/components.ts';
import { PROPERTIES } from '../catalogue/catalogue.ts';
import { inventory } from '../statecharts/inventory.ts';
import type { ObservedState } from '../world/observe.ts';
import type { EdgeCoverage } from './edge-coverage.ts';
import type { PathGraph } from './graph.ts';
import { toTestPaths, type NotCoverable, type TargetSuite } from './suite.ts';
import type { Walk } from './tour.ts';

export interface RulesOptions {
  /** Rules shown by earlier runs (`--history`). */
  done?: ReadonlySet<string>;
}

const byRuleOrder = (a: string, b: string) => {
  const [ka, na] = a.split('-');
  const [kb, nb] = b.split('-');
  const order = ['KP', 'DOC', 'ASM'];
  return order.indexOf(ka) - order.indexOf(kb) || Number(na) - Number(nb);
};

/** Every rule ID the statecharts carry, and the rules the properties come from. */
export function ruleUniverse(graph: PathGraph): { carried: Set<string>; cited: Set<string> } {
  const carried = new Set<string>();
  for (const kind of COMPONENT_KINDS) {
    const { states, transitions } = inventory(graph.model[kind] as AnyStateMachine);
    for (const r of [...states.flatMap((s) => s.rules), ...transitions.flatMap((t) => t.rules)])
      carried.add(r);
  }
  const cited = new Set(PROPERTIES.flatMap((p) => p.from).filter((r) => /^(KP|DOC|ASM)-/.test(r)));
  return { carried, cited };
}

export function rulesSuite(
  graph: PathGraph,
  coverage: EdgeCoverage,
  options: RulesOptions = {},
): TargetSuite {
  const done = options.done ?? new Set<string>();
  const { carried, cited } = ruleUniverse(graph);
  const visible = (i: number) => graph.edgeTo[i] !== graph.edgeFrom[i];
  const seen = new Set<string>();
  for (let i = 0; i < graph.edges; i++) if (visible(i)) for (const r of coverage.edge[i].rules) seen.add(r);
  // The least distance at which each rule shows: the depth of a showing step's source, plus one.
  const least = new Map<string, number>();
  for (let i = 0; i < graph.edges; i++) {
    const d = graph.depth[graph.edgeFrom[i]] + 1;
    for (const r of coverage.edge[i].rules) {
      if (seen.has(r) && !visible(i)) continue;
      if ((least.get(r) ?? Infinity) > d) least.set(r, d);
    }
  }
  // What each edge can show at all (most show nothing at the least distance): computed once.
  const none: string[] = [];
  const candidates = new Array<string[]>(graph.edges);
  for (let i = 0; i < graph.edges; i++) {
    const d = graph.depth[graph.edgeFrom[i]] + 1;
    const counts = (r: string) => least.get(r) === d && (visible(i) || !seen.has(r));
    const rules = coverage.edge[i].rules.filter(counts);
    candidates[i] = rules.length === 0 ? none : rules;
  }
  const shows: Shows = (edge, left) => {
    const rules = candidates[edge];
    return rules.length === 0 ? none : rules.filter((r) => left.has(r));
  };
  const resetOnly = coverage.reset.rules.filter((r) => !least.has(r));
  const wanted = [...least.keys()].filter((r) => !done.has(r)).sort(byRuleOrder);
  const left = new Set(wanted);
  const walks: Walk[] = [];
  const shown: string[][][] = [];
  while (left.size > 0) {
    const deepest = [...left].reduce((a, b) => ((least.get(b) as number) > (least.get(a) as number) ? b : a));
    const { walk, showing } = bestPathFor(graph, deepest, least.get(deepest) as number, shows, left);
    for (const rules of showing) for (const r of rules) left.delete(r);
    walks.push(walk);
    shown.push(showing);
  }
  // Shallow paths first: a person reads them in order.
  const order = walks.map((_, i) => i).sort((a, b) => walks[a].length - walks[b].length || a - b);
  const sortedWalks = order.map((i) => walks[i]);
  const sortedShows = order.map((i) => shown[i]);
  const paths = toTestPaths(graph, sortedWalks, { covers: (w, k) => sortedShows[w][k] });
  for (const path of paths) {
    for (const [k, step] of path.steps.entries()) {
      if ((step.covers ?? []).length === 0) continue;
      const before = k === 0 ? graph.observed(0) : path.steps[k - 1].state;
      step.marked = changedFields(before, step.state);
    }
    path.covers.sort(byRuleOrder);
  }
  const resetPaths = resetOnly.filter((r) => !done.has(r));
  if (resetPaths.length > 0) {
    paths.unshift({ id: 'p0', covers: [...resetPaths].sort(byRuleOrder), steps: [] });
  }
  paths.forEach((p, i) => (p.id = `p${i + 1}`));
  const showable = new Set([...least.keys(), ...resetOnly]);
  const notCoverable: NotCoverable[] = [...new Set([...carried, ...cited])]
    .filter((r) => !showable.has(r))
    .sort(byRuleOrder)
    .map((id) => ({
      id,
      why: carried.has(id)
        ? 'no step of this site takes a transition or enters a state that carries it'
        : `carried by no statechart: a consequence of other rules, checked by ${citing(id)} (kpm check)`,
    }));
  const steps = sortedWalks.reduce((n, w) => n + w.length, 0);
  return {
    cover: 'rules',
    paths,
    coverage: {
      covered: showable.size,
      coverable: showable.size,
      ...(resetOnly.length > 0 ? { byReset: [...resetOnly].sort(byRuleOrder) } : {}),
      ...(done.size > 0 ? { fromHistory: [...showable].filter((r) => done.has(r)).length } : {}),
      notCoverable,
    },
    steps,
    baseline: {
      name: 'one shortest path per rule',
      steps: wanted.reduce((n, r) => n + (least.get(r) as number), 0),
      paths: wanted.length,
    },
    notes: [
      'a rule shows on a step that takes a transition or enters a state carrying it (a step that changes the observation, where the rule has one); each rule is shown at its least distance from the initial state, and a path serves every rule it shows that way',
      ...invisible(least, seen),
      ...(resetOnly.length > 0
        ? [`shown by the reset to the steady initial state only: ${resetOnly.sort(byRuleOrder).join(', ')}`]
        : []),
    ],
  };
}

function citing(rule: string): string {
  return PROPERTIES.filter((p) => p.from.includes(rule))
    .map((p) => p.id)
    .join(', ');
}

/**
 * The shortest path ending with a step that shows `rule` at its least distance, showing the most
 * rules of `left` at their least distances: dynamic programming over the breadth-first layers
 * (edges from depth d to depth d + 1), then the best last step.
 */
function bestPathFor(
  graph: PathGraph,
  rule: string,
  d: number,
  shows: Shows,
  left: ReadonlySet<string>,
): { walk: Walk; showing: string[][] } {
  const gainOf = (edge: number) => shows(edge, left).length;
  const best = new Int32Array(graph.states).fill(-1);
  const via = new Int32Array(graph.states).fill(-1);
  best[0] = 0;
  // States are numbered in BFS order, so a layer's states all come before the next layer's.
  for (let s = 0; s < graph.states; s++) {
    if (best[s] < 0) continue;
    for (let i = graph.outStart[s]; i < graph.outStart[s + 1]; i++) {
      const t = graph.edgeTo[i];
      if (graph.depth[t] !== graph.depth[s] + 1) continue;
      const value = best[s] + gainOf(i);
      if (value > best[t]) {
        best[t] = value;
        via[t] = i;
      }
    }
  }
  let last = -1;
  let lastValue = -1;
  for (let i = 0; i < graph.edges; i++) {
    const s = graph.edgeFrom[i];
    if (graph.depth[s] !== d - 1 || !shows(i, left).includes(rule)) continue;
    const value = best[s] + gainOf(i);
    if (value > lastValue) [last, lastValue] = [i, value];
  }
  const edges = [last];
  for (let s = graph.edgeFrom[last]; via[s] >= 0; s = graph.edgeFrom[via[s]]) edges.push(via[s]);
  edges.reverse();
  const walk = edges.map((i) => ({
    from: graph.edgeFrom[i],
    event: graph.edgeEvent[i],
    edge: i,
    to: graph.edgeTo[i],
  }));
  const taken = new Set<string>();
  const showing = edges.map((i) => {
    const rules = shows(i, left).filter((r) => !taken.has(r));
    for (const r of rules) taken.add(r);
    return rules;
  });
  return { walk, showing };
}

/** The rules of `left` that an edge shows at their least distance. */
type Shows = (edge: number, left: ReadonlySet<string>) => string[];

function invisible(least: ReadonlyMap<string, number>, seen: ReadonlySet<string>): string[] {
  const rules = [...least.keys()].filter((r) => !seen.has(r)).sort(byRuleOrder);
  return rules.length === 0
    ? []
    : [`shown only by steps that change nothing a lab can observe: ${rules.join(', ')}`];
}

/** The observation fields that differ between two states: `vcenter`, `hosts.esx-02.cachedKeys`, `vms.app.locked`. */
export function changedFields(before: ObservedState, after: ObservedState): string[] {
  const fields: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isRecord(a) && isRecord(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[key], b[key], path === '' ? key : `${path}.${key}`);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) fields.push(path);
  };
  walk(before, after, '');
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
