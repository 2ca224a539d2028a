/**
 * `kpm replay <topology> <events>` (interface.md): applies the events one by one from the initial
 * state. `--json` prints the interface's replay JSON; otherwise a trace that shows, at each step,
 * only what changed (or, with `--full`, the whole state).
 */
import { Command } from 'commander';
import { InputError, type Problem } from '../errors.ts';
import { formatEvent } from '../events.ts';
import { loadEvents } from '../events-file.ts';
import { diffStates, formatChange, formatState, plain, type Paint } from '../report/diff.ts';
import { loadTopology } from '../topology/load.ts';
import { replay } from '../world/observe.ts';
import type { ReplayResult } from '../world/observation.ts';
import { writeStdout } from './stdout.ts';

interface ReplayOptions {
  json?: boolean;
  full?: boolean;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('apply the events one by one from the initial state and print the trace')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .argument('<events>', 'event file: a list of events (YAML or JSON)')
    .option('--json', 'print the trace as JSON (every step with its full state) and nothing else')
    .option('--full', 'print the whole state at every step, not only what changed')
    .addHelpText(
      'after',
      '\nRefused events (already in effect, or impossible) are part of the trace, not errors: exit code 0.',
    )
    .action(async (topologyFile: string, eventsFile: string, options: ReplayOptions) => {
      const { topology, events } = loadInputs(topologyFile, eventsFile);
      const result = replay(topology, events);
      if (options.json) {
        await writeStdout(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        const paint = terminalPaint(process.stdout);
        await writeStdout(`${formatTrace(result, { full: options.full ?? false, paint }).join('\n')}\n`);
      }
    });
}

/** Both files, with the problems of both reported together so that one run shows everything to fix. */
function loadInputs(topologyFile: string, eventsFile: string) {
  const problems: Problem[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const topology = attempt(() => loadTopology(topologyFile));
  const events = attempt(() => loadEvents(eventsFile));
  if (topology === undefined || events === undefined) throw new InputError(problems);
  return { topology, events };
}

export interface TraceOptions {
  /** The whole state at every step instead of the changes. */
  full: boolean;
  paint?: Paint;
}

/**
 * The human trace, one string per line:
 *
 *     #0 initial state of edge
 *        vcenter: up, kms: up
 *        esx-01: link up, attested yes, persistence on, cache {db, vsan}, ...
 *        vm db: on
 *     #1 LINK_DOWN esx-02    applied
 *        esx-02 link: up -> down
 *     #2 VM_POWER_ON app     refused: the VM is locked; unlock it first (DOC-04)
 */
export function formatTrace(result: ReplayResult, { full, paint = plain }: TraceOptions): string[] {
  const indent = '   ';
  const events = result.steps.map((s) => (s.event === null ? '' : formatEvent(s.event)));
  const width = Math.max(0, ...events.map((e) => e.length));
  const numberWidth = `#${result.steps.length - 1}`.length;
  const lines: string[] = [];
  result.steps.forEach((s, index) => {
    const number = `#${index}`.padEnd(numberWidth);
    if (s.event === null) {
      lines.push(paint.subject(`${number} initial state of ${result.topology}`));
      lines.push(...formatState(s.state, paint).map((line) => indent + line));
      return;
    }
    const outcome = s.outcome === 'applied' ? paint.good('applied') : paint.bad(`refused: ${s.reason}`);
    lines.push(`${paint.subject(`${number} ${events[index].padEnd(width)}`)}  ${outcome}`);
    if (full) {
      lines.push(...formatState(s.state, paint).map((line) => indent + line));
      return;
    }
    // A refused event leaves the state as it was: the reason says it all.
    if (s.outcome === 'refused') return;
    const changes = diffStates(result.steps[index - 1].state, s.state);
    if (changes.length === 0) lines.push(indent + paint.faint('(no visible change)'));
    for (const change of changes) lines.push(indent + formatChange(change, paint));
  });
  const applied = result.steps.filter((s) => s.event !== null && s.outcome === 'applied').length;
  const refused = result.steps.filter((s) => s.outcome === 'refused').length;
  const count = result.steps.length - 1;
  lines.push(`${count} event${count === 1 ? '' : 's'}: ${applied} applied, ${refused} refused`);
  return lines;
}

/**
 * Colour only for a person at a terminal: `stream` is a TTY and NO_COLOR (no-color.org) is not
 * set to a non-empty value. Plain ANSI codes, so no dependency.
 */
export function terminalPaint(stream: NodeJS.WriteStream): Paint {
  if (!stream.isTTY || process.env.NO_COLOR) return plain;
  const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  return { good: sgr(32, 39), bad: sgr(31, 39), subject: sgr(1, 22), faint: sgr(2, 22) };
}
