/**
 * `kpm paths <topology>` (interface.md): model-based test paths for a site, for a target
 * (`--cover`), in a form a lab runs or follows (`--format`), and, with `--run`, run against an
 * implementation through an adapter, with a verdict per path.
 */
import { join, relative } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startModuleAdapter, isModule } from '../adapter/module.ts';
import { startProcessAdapter } from '../adapter/process.ts';
import { AdapterStartError, type Adapter } from '../adapter/protocol.ts';
import { InputError } from '../errors.ts';
import { formatEvent } from '../events.ts';
import { itfFileName, itfTrace } from '../paths/formats/itf.ts';
import { markdownPlan } from '../paths/formats/markdown.ts';
import { formatPaths, formatSummary } from '../paths/formats/text.ts';
import { vitestFile } from '../paths/formats/vitest.ts';
import { generatePaths, prepareSite, WALK_DEFAULTS, type PreparedSite } from '../paths/generate.ts';
import { GraphTooLarge } from '../paths/graph.ts';
import { doneFor, formatHistory, readHistory, record } from '../paths/history.ts';
import { pathsJunit } from '../paths/junit.ts';
import { runExitCode, runPaths, type RunReport } from '../paths/run.ts';
import { TARGETS, type PathSuite, type Target } from '../paths/suite.ts';
import { plain, type Paint } from '../report/diff.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../../models/topology.ts';
import { checkOutputFile, checkOutputFolder, writeFileAtomically } from './output-files.ts';
import { terminalPaint } from './replay.ts';
import { tellStderr, writeStdout } from './stdout.ts';

const FORMATS = ['text', 'json', 'md', 'vitest', 'itf'] as const;
type Format = (typeof FORMATS)[number];

interface PathsFlags {
  cover: Target;
  json?: boolean;
  format: Format;
  out?: string;
  seed: number;
  steps: number;
  walks: number;
  maxSteps?: number;
  resetCost: number;
  history?: string;
  run?: string;
  timeout: number;
  junit?: string;
  divergences: string;
  adapter: string;
  maxStates?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export function pathsCommand(): Command {
  return new Command('paths')
    .description('generate model-based test paths for a site, and run them against an implementation')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .addOption(
      new Option('--cover <target>', 'what the paths must cover')
        .choices([...TARGETS])
        .default('transitions'),
    )
    .option('--json', 'print the paths as JSON (interface.md) and nothing else on stdout')
    .addOption(
      new Option('--format <format>', 'how to print the paths').choices([...FORMATS]).default('text'),
    )
    .option('--out <path>', 'write the paths to this file (--format itf: this directory) instead of stdout')
    .option('--seed <n>', '--cover walk: the seed of the random walks', whole(0), WALK_DEFAULTS.seed)
    .option('--steps <n>', '--cover walk: steps per walk', whole(1), WALK_DEFAULTS.steps)
    .option('--walks <n>', '--cover walk: how many walks', whole(1), WALK_DEFAULTS.walks)
    .option('--max-steps <n>', 'a budget: cut the paths at this many steps in all (see --history)', whole(0))
    .option(
      '--reset-cost <n>',
      'what a reset to the initial state costs, in steps, when tours choose',
      whole(0),
      0,
    )
    .option('--history <file>', 'what earlier runs covered: left out now, and this run added to it')
    .option('--run <adapter>', 'run the paths through an adapter: a command (JSON lines) or a .ts/.js module')
    .option(
      '--timeout <ms>',
      '--run: how long the adapter may take to answer a request',
      whole(1),
      DEFAULT_TIMEOUT_MS,
    )
    .option('--junit <file>', '--run: also write the verdicts as a JUnit XML report')
    .option(
      '--divergences <dir>',
      '--run: where to write the events that reproduce each failure',
      '.kpm/divergences',
    )
    .option('--adapter <module>', '--format vitest: the adapter module the test file imports', './adapter.ts')
    .option('--max-states <n>', 'refuse sites with more states than this', whole(1))
    .addHelpText(
      'after',
      [
        '',
        'Targets: transitions (every statechart transition the site can take), rules (a shortest path',
        'showing each KP, DOC and ASM rule), refusals (every refusal, the always-refused events included),',
        'graph (every transition of the explored graph), walk (seeded random walks).',
        '',
        'Exit code: 0 when no path failed, 1 when one did (--run), 2 on bad input or an adapter that',
        'cannot be started or breaks the protocol.',
      ].join('\n'),
    )
    .action(async (file: string, flags: PathsFlags) => {
      const topology = loadTopology(file);
      const format: Format = flags.json ? 'json' : flags.format;
      checkOutputs(flags, format);
      const history = flags.history ? readHistory(flags.history, topology) : null;
      const site = prepare(topology, file, flags);
      const suite = generatePaths(site, {
        cover: flags.cover,
        seed: flags.seed,
        steps: flags.steps,
        walks: flags.walks,
        resetCost: flags.resetCost,
        maxSteps: flags.maxSteps,
        done: history ? doneFor(history, flags.cover) : undefined,
      });
      if (flags.run !== undefined) {
        const report = await runAgainst(flags.run, suite, topology, flags);
        if (history && flags.history) {
          const passed = new Set(report.paths.filter((p) => p.verdict === 'pass').map((p) => p.id));
          writeFileAtomically(flags.history, formatHistory(record(history, suite, passed)));
        }
        if (flags.junit) writeFileAtomically(flags.junit, pathsJunit(suite, report));
        process.exitCode = runExitCode(report);
        await printRun(suite, report, file, flags, format);
        return;
      }
      if (history && flags.history) writeFileAtomically(flags.history, formatHistory(record(history, suite)));
      await emit(suite, topology, file, flags, format);
    });
}

/** Every file and folder the command will write, checked before any work (bad input: exit 2). */
function checkOutputs(flags: PathsFlags, format: Format): void {
  if (flags.out !== undefined && format === 'itf') checkOutputFolder(flags.out, '--out');
  else if (flags.out !== undefined) checkOutputFile(flags.out, '--out');
  if (format === 'itf' && flags.out === undefined && flags.run === undefined) {
    throw new InputError([
      {
        file: '--format itf',
        line: null,
        path: '',
        message: 'writes one file per path: give the folder with --out DIR',
      },
    ]);
  }
  if (flags.history !== undefined) checkOutputFile(flags.history, '--history');
  if (flags.run !== undefined) {
    if (flags.junit !== undefined) checkOutputFile(flags.junit, '--junit');
    checkOutputFolder(flags.divergences, '--divergences');
  }
}

function whole(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number of at least ${min}.`);
    return n;
  };
}

function prepare(topology: Topology, file: string, flags: PathsFlags): PreparedSite {
  try {
    return prepareSite(topology, { maxStates: flags.maxStates });
  } catch (error) {
    if (error instanceof GraphTooLarge)
      throw new InputError([{ file, line: null, path: '', message: error.message }]);
    throw error;
  }
}

/** How the command was called, for the headers of generated files. */
function commandLine(file: string, flags: PathsFlags, format: Format): string {
  const walk =
    flags.cover === 'walk' ? ` --seed ${flags.seed} --steps ${flags.steps} --walks ${flags.walks}` : '';
  return `kpm paths ${file} --cover ${flags.cover}${walk} --format ${format}`;
}

/** The suite in the chosen format, on stdout or in `--out`. */
async function emit(
  suite: PathSuite,
  topology: Topology,
  file: string,
  flags: PathsFlags,
  format: Format,
): Promise<void> {
  if (format === 'itf') return writeItf(suite, file, flags);
  const text = render(suite, topology, file, flags, format);
  if (flags.out) {
    writeFileAtomically(flags.out, text);
    const what = `${suite.paths.length} paths, ${suite.steps} steps (--cover ${suite.cover}, --format ${format})`;
    await writeStdout(`${flags.out}: ${what}\n`);
  } else {
    await writeStdout(text);
  }
}

function render(
  suite: PathSuite,
  topology: Topology,
  file: string,
  flags: PathsFlags,
  format: Format,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(suite, null, 2)}\n`;
    case 'md':
      return markdownPlan(suite, topology, commandLine(file, flags, 'md'));
    case 'vitest':
      return vitestFile(suite, topology, flags.adapter, commandLine(file, flags, 'vitest'));
    default: {
      const paint: Paint = flags.out ? plain : terminalPaint(process.stdout);
      return `${[...formatSummary(suite, paint), ...formatPaths(suite, paint)].join('\n')}\n`;
    }
  }
}

async function writeItf(suite: PathSuite, file: string, flags: PathsFlags): Promise<void> {
  const out = flags.out as string; // checked before any work
  for (const path of suite.paths) {
    const target = join(out, itfFileName(suite, path));
    writeFileAtomically(target, `${JSON.stringify(itfTrace(suite, path, file), null, 1)}\n`);
  }
  await writeStdout(
    `${out}: ${suite.paths.length} ITF files (--cover ${suite.cover}, ${suite.steps} steps)\n`,
  );
}

async function runAgainst(
  run: string,
  suite: PathSuite,
  topology: Topology,
  flags: PathsFlags,
): Promise<RunReport> {
  let adapter: Adapter;
  try {
    adapter = isModule(run)
      ? await startModuleAdapter(run, { timeoutMs: flags.timeout })
      : await startProcessAdapter({ command: run }, { timeoutMs: flags.timeout });
  } catch (error) {
    if (error instanceof AdapterStartError)
      throw new InputError([{ file: '--run', line: null, path: '', message: error.message }]);
    throw error;
  }
  try {
    return await runPaths(suite, topology, adapter);
  } finally {
    await adapter.close();
  }
}

async function printRun(
  suite: PathSuite,
  report: RunReport,
  file: string,
  flags: PathsFlags,
  format: Format,
): Promise<void> {
  const files = writeDivergences(report, flags.divergences);
  if (report.broken) tellStderr(`kpm paths: the adapter broke the protocol: ${report.broken}`);
  if (format === 'json') {
    const run = {
      ...report,
      paths: report.paths.map((p) => ({ ...p, ...(files.has(p.id) ? { events: files.get(p.id) } : {}) })),
    };
    await writeStdout(`${JSON.stringify({ ...suite, run }, null, 2)}\n`);
    return;
  }
  const paint = terminalPaint(process.stdout);
  const lines = [...formatSummary(suite, paint), ''];
  for (const path of report.paths) {
    const verdict =
      path.verdict === 'pass'
        ? paint.good('pass')
        : path.verdict === 'fail'
          ? paint.bad('FAIL')
          : 'inconclusive';
    lines.push(
      `${path.id.padEnd(5)} ${verdict}  ${path.steps} steps${path.reason ? `: ${path.reason}` : ''}`,
    );
    const d = path.divergence;
    if (d === undefined) continue;
    const where = d.event === null ? 'right after the reset' : `at step ${d.step}, ${formatEvent(d.event)}`;
    lines.push(`      first divergence ${where}:`);
    for (const f of d.diff) {
      lines.push(
        `        ${f.field}: expected ${paint.good(show(f.expected))}, observed ${paint.bad(show(f.observed))}`,
      );
    }
    const events = files.get(path.id);
    if (events) lines.push(paint.faint(`      reproduce: kpm replay ${file} ${events}`));
  }
  if (report.broken)
    lines.push('', paint.bad(`adapter broken: ${report.broken}`), `${report.notRun} paths not run`);
  lines.push(
    '',
    `${report.paths.length} paths run against ${flags.run}: ${report.passed} passed, ${report.failed} failed, ${report.inconclusive} inconclusive` +
      ` (${(report.elapsedMs / 1000).toFixed(2)} s)`,
  );
  await writeStdout(`${lines.join('\n')}\n`);
}

function show(value: unknown): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

/** The events of each failing path up to its divergence, as an events file `kpm replay` reads. */
function writeDivergences(report: RunReport, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of report.paths) {
    if (path.divergence === undefined) continue;
    const name = `${report.topology}-${report.cover}-${path.id}.json`.replace(/[^\w.+-]/g, '_');
    const target = join(dir, name);
    writeFileAtomically(target, `${JSON.stringify(path.divergence.events, null, 2)}\n`);
    files.set(path.id, relative(process.cwd(), target) || target);
  }
  return files;
}
