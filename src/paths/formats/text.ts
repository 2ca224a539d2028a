/**
 * `kpm paths` for a person at a terminal: the figures of the target (paths, steps, baseline, what
 * is covered and what cannot be), then each path as its events with what changes at each step.
 */
import { formatEvent } from '../../events.ts';
import { diffStates, formatChange, plain, type Paint } from '../../report/diff.ts';
import type { PathSuite } from '../suite.ts';

const NOUN: Record<PathSuite['cover'], string> = {
  transitions: 'statechart transitions',
  rules: 'rules',
  refusals: 'refusals',
  graph: 'transitions of the explored graph',
  walk: 'statechart transitions',
};

export function formatSummary(suite: PathSuite, paint: Paint = plain): string[] {
  const { coverage } = suite;
  const seconds = (suite.elapsedMs / 1000).toFixed(2);
  const ratio = suite.baseline.steps === 0 ? '' : ` (${percent(suite.steps, suite.baseline.steps)} of it)`;
  const lines = [
    paint.subject(
      `kpm paths ${suite.topology} --cover ${suite.cover}: ${count(suite.paths.length, 'path')}, ${count(suite.steps, 'step')}, ${seconds} s`,
    ),
    `  baseline, ${suite.baseline.name}: ${count(suite.baseline.steps, 'step')}${ratio}`,
    ...(suite.comparisons ?? []).map(
      (c) =>
        `  ${c.name}: ${count(c.steps, 'step')} in ${count(c.paths, 'path')}, covering ${c.covers} of ${c.coverable}`,
    ),
    `  covered: ${coverage.covered} of the ${coverage.coverable} ${NOUN[suite.cover]} this site can show` +
      (coverage.byReset?.length
        ? ` (${coverage.byReset.length} by the reset to the steady initial state)`
        : '') +
      (coverage.fromHistory ? ` (${coverage.fromHistory} by earlier runs)` : ''),
  ];
  if (coverage.left?.length) lines.push(paint.bad(`  left for a later run: ${coverage.left.length}`));
  if (coverage.notCoverable.length > 0) {
    lines.push(`  not coverable on this site: ${coverage.notCoverable.length}`);
    for (const n of coverage.notCoverable) lines.push(paint.faint(`    ${n.id}: ${n.why}`));
  }
  for (const note of suite.notes) lines.push(paint.faint(`  note: ${note}`));
  return lines;
}

/** Each path: its covers, then every step with its outcome and the changes it makes. */
export function formatPaths(suite: PathSuite, paint: Paint = plain): string[] {
  const lines: string[] = [];
  for (const path of suite.paths) {
    lines.push('');
    lines.push(
      paint.subject(`${path.id}: ${count(path.steps.length, 'step')}, covers ${path.covers.length}`),
    );
    if (path.steps.length === 0) lines.push('   (the reset to the steady initial state alone)');
    let before = suite.initial;
    const width = Math.max(0, ...path.steps.map((s) => formatEvent(s.event).length));
    path.steps.forEach((step, k) => {
      const number = `#${k + 1}`.padEnd(`#${path.steps.length}`.length);
      const outcome =
        step.outcome === 'applied' ? paint.good('applied') : paint.bad(`refused: ${step.reason ?? ''}`);
      lines.push(`${number} ${formatEvent(step.event).padEnd(width)}  ${outcome}`);
      const changes = diffStates(before, step.state);
      if (step.outcome === 'applied' && changes.length === 0)
        lines.push(paint.faint('   (no visible change)'));
      for (const change of changes) lines.push(`   ${formatChange(change, paint)}`);
      const covered = [...(step.covers ?? []), ...(step.rules ?? [])];
      if (covered.length > 0) lines.push(paint.faint(`   covers ${covered.join('; ')}`));
      if (step.marked?.length) lines.push(paint.faint(`   shown by ${step.marked.join(', ')}`));
      before = step.state;
    });
  }
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}
