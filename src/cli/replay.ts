/**
 * `kpm replay <topology> <events>` (interface.md): applies the events one by one from the initial
 * state. `--json` prints the interface's replay JSON; otherwise a trace that shows, at each step,
 * only what changed (or, with `--full`, the whole state).
 *
 * Both are streamed: each step is printed as it is computed and then dropped; only the events
 * themselves are held. (Memory still grows slowly with very long traces: the transition memo of
 * src/world/transition.ts holds on to more than it should; README, "kpm replay".)
 */
import { Command } from 'commander';
import { ProblemList } from '../errors.ts';
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import { loadEvents } from '../events-file.ts';
import { diffStates, formatChange, formatState, plain, type Paint } from '../report/diff.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../../models/topology.ts';
import { observe } from '../world/observe.ts';
import type { ObservedState, ReplayResult, ReplayStep } from '../world/observe.ts';
import { initialWorld, step } from '../world/world.ts';
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
      const out = new ChunkedOutput();
      const steps = replaySteps(topology, events);
      if (options.json) {
        await jsonTrace(topology.name, steps, (text) => out.write(text));
      } else {
        const paint = terminalPaint(process.stdout);
        const trace = new TraceLines(topology.name, events, { full: options.full ?? false, paint });
        for (const s of steps) await out.write(lines(trace.step(s)));
        await out.write(lines(trace.end()));
      }
      await out.flush();
    });
}

/** The steps of `replay()` (src/world/observe.ts), one at a time: the initial state, then each event. */
export function* replaySteps(topology: Topology, events: readonly KpmEvent[]): Generator<ReplayStep> {
  let world = initialWorld(topology);
  yield { event: null, outcome: 'applied', reason: null, state: observe(world) };
  for (const event of events) {
    const result = step(world, event);
    world = result.world;
    yield { event, outcome: result.outcome, reason: result.reason, state: observe(world) };
  }
}

/**
 * The replay JSON of interface.md, step by step: the same bytes as
 * `JSON.stringify({ topology, steps }, null, 2)`, without ever holding all the steps.
 */
export async function jsonTrace(
  name: string,
  steps: Iterable<ReplayStep>,
  write: (text: string) => Promise<void> | void,
): Promise<void> {
  await write(`{\n  "topology": ${JSON.stringify(name)},\n  "steps": [`);
  let first = true;
  for (const s of steps) {
    // JSON strings hold no raw line breaks, so indenting every line is safe.
    await write(`${first ? '' : ','}\n    ${JSON.stringify(s, null, 2).replaceAll('\n', '\n    ')}`);
    first = false;
  }
  await write(first ? ']\n}\n' : '\n  ]\n}\n');
}

const lines = (rows: string[]) => rows.map((row) => `${row}\n`).join('');

/** Stdout in chunks of about 64 KB, each waiting for the reader to take the previous one. */
class ChunkedOutput {
  private parts: string[] = [];
  private size = 0;

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await writeStdout(text);
  }
}

/** Both files, with the problems of both reported together so that one run shows everything to fix. */
function loadInputs(topologyFile: string, eventsFile: string) {
  const inputs = new ProblemList();
  const topology = inputs.attempt(() => loadTopology(topologyFile));
  const events = inputs.attempt(() => loadEvents(eventsFile));
  inputs.throwIfAny();
  return { topology: topology as Topology, events: events as KpmEvent[] };
}

export interface TraceFormat {
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
export function formatTrace(result: ReplayResult, options: TraceFormat): string[] {
  const events = result.steps.flatMap((s) => (s.event === null ? [] : [s.event]));
  const trace = new TraceLines(result.topology, events, options);
  return [...result.steps.flatMap((s) => trace.step(s)), ...trace.end()];
}

/**
 * The lines of the human trace step by step, for a stream: the columns come from the events (known
 * before the first step), and only the previous state is kept, to show what changed.
 */
export class TraceLines {
  private readonly width: number;
  private readonly numberWidth: number;
  private readonly full: boolean;
  private readonly paint: Paint;
  private previous: ObservedState | null = null;
  private index = 0;
  private applied = 0;
  private refused = 0;

  constructor(
    private readonly name: string,
    events: readonly KpmEvent[],
    { full, paint = plain }: TraceFormat,
  ) {
    let width = 0;
    for (const event of events) width = Math.max(width, formatEvent(event).length);
    this.width = width;
    this.numberWidth = `#${events.length}`.length;
    this.full = full;
    this.paint = paint;
  }

  step(s: ReplayStep): string[] {
    const indent = '   ';
    const { paint } = this;
    const number = `#${this.index}`.padEnd(this.numberWidth);
    const previous = this.previous;
    this.index += 1;
    this.previous = s.state;
    if (s.event === null) {
      return [
        paint.subject(`${number} initial state of ${this.name}`),
        ...formatState(s.state, paint).map((line) => indent + line),
      ];
    }
    if (s.outcome === 'applied') this.applied += 1;
    else this.refused += 1;
    const outcome = s.outcome === 'applied' ? paint.good('applied') : paint.bad(`refused: ${s.reason}`);
    const out = [`${paint.subject(`${number} ${formatEvent(s.event).padEnd(this.width)}`)}  ${outcome}`];
    if (this.full) return [...out, ...formatState(s.state, paint).map((line) => indent + line)];
    // A refused event leaves the state as it was: the reason says it all.
    if (s.outcome === 'refused' || previous === null) return out;
    const changes = diffStates(previous, s.state);
    if (changes.length === 0) out.push(indent + paint.faint('(no visible change)'));
    for (const change of changes) out.push(indent + formatChange(change, paint));
    return out;
  }

  /** The closing line: how many events, applied and refused. */
  end(): string[] {
    const count = this.applied + this.refused;
    return [`${count} event${count === 1 ? '' : 's'}: ${this.applied} applied, ${this.refused} refused`];
  }
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
