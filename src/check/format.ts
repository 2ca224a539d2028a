/**
 * `kpm check` for a person: the verdict table, each counterexample or witness as step-by-step
 * changes with the command that replays it, and the operator's answer per VM.
 */
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import { diffStates, formatChange, plain, type Paint } from '../report/diff.ts';
import type { Topology } from '../../models/topology.ts';
import { replay } from '../world/observe.ts';
import type { CheckReport, PropertyResult } from './report.ts';
import { restrict } from './units.ts';

export interface FormatOptions {
  paint?: Paint;
  /** For each result with a trace, the events file that holds it (written by the caller). */
  traceFile?: (result: PropertyResult) => string | null;
  topologyFile: string;
}

export function formatReport(report: CheckReport, topology: Topology, options: FormatOptions): string[] {
  const paint = options.paint ?? plain;
  const seconds = (report.elapsedMs / 1000).toFixed(2);
  const scope = report.complete ? 'complete' : paint.bad('bounded');
  const how =
    report.method === 'full product'
      ? 'full product'
      : `compositional, ${count(report.explorations.length, 'exploration')}`;
  return [
    `kpm check ${report.topology}: ${how}, ${report.states} states, ${report.transitions} transitions, depth ${report.depth}, ${scope}, ${seconds} s`,
    ...explorations(report, paint),
    '',
    ...table(report.properties, paint),
    ...traces(report, topology, options, paint),
    ...operator(report, paint),
    ...coverage(report, paint),
    '',
    summary(report, paint),
  ];
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * How the site was explored: each part with the shared services (its hosts, and how many of the
 * same configuration it decides), and what coupled hosts, if anything did.
 */
function explorations(report: CheckReport, paint: Paint): string[] {
  const out: string[] = [];
  for (const c of report.couplings) {
    const hosts = c.hosts === 'every host' ? 'every host' : c.hosts.join(', ');
    const how = c.level === 'part' ? ' (in one part, each host its own block)' : '';
    out.push(paint.faint(`  coupled${how}: ${hosts}: ${c.reason}`));
  }
  if (report.method === 'full product') return out;
  const rows = report.explorations.map((x) => {
    const alike = x.decides.length - x.hosts.length;
    const who = x.hosts.join(' + ') + (alike > 0 ? ` and ${count(alike, 'host')} alike` : '');
    const size = `${x.states} states, ${x.transitions} transitions, depth ${x.depth}`;
    return [who, `${size}, ${x.complete ? 'complete' : 'bounded'}`];
  });
  const width = Math.max(...rows.map(([who]) => who.length));
  out.push(
    paint.faint('  each part explored with the shared services alone (--full: the product of every host):'),
    ...rows.map(([who, size]) => `  ${who.padEnd(width)}  ${size}`),
  );
  return out;
}

/** The verdict table: one row per property and subject, the statement under each property's first row. */
function table(results: PropertyResult[], paint: Paint): string[] {
  const rows = results.map((r) => [
    r.id,
    r.subject ?? '-',
    r.expected,
    r.result,
    r.asExpected ? 'yes' : 'NO',
    String(r.states),
    r.evidence,
  ]);
  const header = ['ID', 'subject', 'expected', 'result', 'as expected', 'states', 'evidence'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : i === 5 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [paint.faint(line(header))];
  results.forEach((r, i) => {
    if (i === 0 || results[i - 1].id !== r.id) out.push(paint.faint(`  ${r.statement}`));
    const text = line(rows[i]);
    out.push(r.asExpected ? text : paint.bad(text));
  });
  return out;
}

/** Past the bound: how much of each statechart the random runs exercised. */
function coverage(report: CheckReport, paint: Paint): string[] {
  if (!report.random) return [];
  const { seed, runs, budget, events, coverage } = report.random;
  const out = [
    '',
    paint.subject(
      `Random runs past the bound: ${events} of ${budget} events spent (--random-budget), at most ${runs} runs per undecided property, seed ${seed}`,
    ),
  ];
  for (const [machine, c] of Object.entries(coverage.machines)) {
    const states = c.states.length + c.missedStates.length;
    const missed = c.missedStates.length > 0 ? ` (never: ${c.missedStates.join(', ')})` : '';
    out.push(
      `  ${machine}: states ${c.states.length}/${states}, handlers ${c.transitions}/${c.transitionsDeclared}${missed}`,
    );
  }
  return out;
}

function traces(report: CheckReport, topology: Topology, options: FormatOptions, paint: Paint): string[] {
  const shown = report.properties.filter((r) => r.trace !== null);
  if (shown.length === 0) return [];
  const out = ['', paint.subject('Counterexamples and witnesses (shortest first found)')];
  for (const result of shown) {
    const kind = result.expected === 'counterexample' ? 'witness' : 'counterexample';
    const subject = result.subject ? ` (${result.subject})` : '';
    out.push('', `${paint.subject(result.id)}${subject}, ${kind}: ${result.statement}`);
    // The trace changes only the services and the hosts it was found on: replayed on those alone.
    const part = result.decidedOn ? restrict(topology, result.decidedOn.hosts) : topology;
    out.push(...stepLines(part, result.trace as KpmEvent[], paint));
    out.push(`   => ${result.evidence}`);
    const file = options.traceFile?.(result);
    if (file) out.push(paint.faint(`   replay: kpm replay ${options.topologyFile} ${file}`));
  }
  return out;
}

/** Each step of a trace with what it changed (the replay trace of `kpm replay`, without step 0). */
export function stepLines(topology: Topology, trace: KpmEvent[], paint: Paint = plain): string[] {
  const { steps } = replay(topology, trace);
  const out: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i];
    const outcome = step.outcome === 'applied' ? '' : `  refused: ${step.reason}`;
    out.push(`  #${i} ${formatEvent(step.event as KpmEvent)}${outcome}`);
    for (const change of diffStates(steps[i - 1].state, step.state))
      out.push(`     ${formatChange(change, paint)}`);
  }
  return out;
}

function operator(report: CheckReport, paint: Paint): string[] {
  if (report.operator.length === 0) return [];
  const out = ['', paint.subject('Which outages and reboots leave a running VM down?')];
  for (const answer of report.operator) {
    const text =
      answer.trace === null
        ? answer.complete
          ? 'none: no sequence of outages and reboots leaves it down on this site'
          : 'none found within the bound'
        : `${answer.trace.map(formatEvent).join(', ')} (${answer.trace.length} steps)`;
    out.push(`  ${answer.vm}: ${answer.trace === null ? paint.good(text) : paint.bad(text)}`);
  }
  return out;
}

/**
 * The last line: all as expected, or which verdicts are wrong and which are only undecided within
 * the bound (`bounded` is not as expected, but it is not a wrong verdict either).
 */
function summary(report: CheckReport, paint: Paint): string {
  const n = report.properties.length;
  const name = (r: PropertyResult) => r.id + (r.subject ? ` ${r.subject}` : '');
  const wrong = report.properties.filter((r) => !r.asExpected && r.result !== 'bounded');
  const undecided = report.properties.filter((r) => r.result === 'bounded');
  if (wrong.length === 0 && undecided.length === 0) return paint.good(`All ${n} verdicts as expected.`);
  const parts: string[] = [];
  if (wrong.length > 0) {
    parts.push(`${wrong.length} of ${n} verdicts not as expected: ${wrong.map(name).join(', ')}`);
  }
  if (undecided.length > 0) {
    const lead =
      wrong.length > 0 ? `${undecided.length} undecided` : `${undecided.length} of ${n} verdicts undecided`;
    parts.push(
      `${lead} within the bound (bounded, not wrong: raise --max-states or --depth to decide them): ${undecided.map(name).join(', ')}`,
    );
  }
  return paint.bad(`${parts.join('; ')}.`);
}
