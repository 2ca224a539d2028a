/**
 * `npm run bench`, test paths: on the bundled edge site, the time to explore it and to derive the
 * statechart coverage of every step, then for each target of `kpm paths` its generation time, paths,
 * total steps and baseline, and XState's figures for comparison (bench/run.ts prints them).
 */
import { join } from 'node:path';
import { generatePaths, prepareSite } from '../src/paths/generate.ts';
import { TARGETS, type Target, type XstateFigure } from '../src/paths/suite.ts';
import { loadTopology } from '../src/topology/load.ts';

export interface PathsMeasure {
  states: number;
  transitions: number;
  exploreSeconds: number;
  coverageSeconds: number;
  targets: {
    target: Target;
    seconds: number;
    paths: number;
    steps: number;
    baseline: number;
    baselineName: string;
  }[];
  comparisons: (XstateFigure & { target: Target })[];
}

export function measurePaths(examples: string): PathsMeasure {
  const topology = loadTopology(join(examples, 'edge-site.yaml'));
  let started = performance.now();
  const site = prepareSite(topology);
  const exploreSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  site.coverage();
  const coverageSeconds = (performance.now() - started) / 1000;
  const targets: PathsMeasure['targets'] = [];
  const comparisons: PathsMeasure['comparisons'] = [];
  for (const target of TARGETS) {
    started = performance.now();
    const suite = generatePaths(site, { cover: target });
    const seconds = (performance.now() - started) / 1000;
    targets.push({
      target,
      seconds,
      paths: suite.paths.length,
      steps: suite.steps,
      baseline: suite.baseline.steps,
      baselineName: suite.baseline.name,
    });
    for (const c of suite.comparisons ?? []) comparisons.push({ ...c, target });
  }
  return {
    states: site.graph.states,
    transitions: site.graph.edges,
    exploreSeconds,
    coverageSeconds,
    targets,
    comparisons,
  };
}

export function printPaths(m: PathsMeasure): void {
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(
    `\nkpm paths on the edge site (${n(m.states)} states, ${n(m.transitions)} transitions): explored in ` +
      `${m.exploreSeconds.toFixed(2)} s, statechart coverage of every step in ${m.coverageSeconds.toFixed(2)} s`,
  );
  const header = ['target', 'seconds', 'paths', 'steps', 'baseline', 'of baseline', 'baseline is'];
  const rows = m.targets.map((t) => [
    t.target,
    t.seconds.toFixed(2),
    n(t.paths),
    n(t.steps),
    n(t.baseline),
    `${((100 * t.steps) / t.baseline).toFixed(1)}%`,
    t.baselineName,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const c of m.comparisons) {
    console.log(
      `${c.target}: ${c.name}: ${n(c.steps)} steps in ${n(c.paths)} paths, covering ${n(c.covers)} of ${n(c.coverable)}`,
    );
  }
}
