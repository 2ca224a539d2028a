/**
 * `kpm check [topology]` (interface.md): the main job. Decides every property of the spec on the
 * site, prints the verdicts, the shortest counterexamples and witnesses with the events files that
 * replay them, and exits 0 when every verdict is as expected, 1 otherwise.
 *
 * Every input is checked before the exploration starts, the output paths included, so that a
 * mistake costs a second, not a run: the topology, the `--traces` folder, the `--junit` file.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { formatReport } from '../check/format.ts';
import { junitXml } from '../check/junit.ts';
import { allAsExpected, type CheckReport, type PropertyResult, type RandomReport } from '../check/report.ts';
import { DEFAULT_MAX_STATES, DEFAULT_RANDOM_BUDGET, runCheck } from '../check/run.ts';
import { InputError, ProblemList } from '../errors.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../../models/topology.ts';
import { nonEmptyPath, nonNegativeInt, positiveInt, seed } from './arguments.ts';
import { ExitCode } from './exit.ts';
import {
  checkOutputFile,
  checkOutputFolder,
  OutputError,
  safeFileName,
  writeFileAtomically,
} from './output-files.ts';
import { ProgressLine } from './progress.ts';
import { terminalPaint } from './replay.ts';
import { tellStderr, writeStdout } from './stdout.ts';

/** The bundled edge site of the seed and the worked example. */
export const BUNDLED_SITE = fileURLToPath(new URL('../../examples/edge-site.yaml', import.meta.url));

export const DEFAULT_TRACES = '.kpm/traces';

interface CheckFlags {
  json?: boolean;
  junit?: string;
  full?: boolean;
  workers?: number;
  maxStates: number;
  depth?: number;
  seed: number;
  randomBudget: number;
  /** false with --no-traces */
  traces: string | false;
  timings?: boolean;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('check every property of the spec on a site, exhaustively where the state space allows')
    .argument('[topology]', 'topology file (YAML or JSON); the bundled edge site when omitted')
    .option('--json', 'print the verdicts as JSON (interface.md) and nothing else on stdout')
    .option('--junit <file>', 'also write the verdicts as a JUnit XML report', nonEmptyPath)
    .option(
      '--full',
      'explore the product of every host, instead of each part of the site with the shared services',
    )
    .option(
      '--max-states <n>',
      'stop each exploration after this many distinct states',
      positiveInt,
      DEFAULT_MAX_STATES,
    )
    .option('--depth <n>', 'stop exploring at this many events from the initial state', positiveInt)
    .option(
      '--seed <n>',
      'seed of the random runs used past the exploration bound (0 to 4294967295)',
      seed,
      1,
    )
    .option(
      '--random-budget <events>',
      'events the random runs past the bound may go through in all, shrinking included (0: none)',
      nonNegativeInt,
      DEFAULT_RANDOM_BUDGET,
    )
    .option(
      '--workers <n>',
      'threads for the random runs past the bound (default: one per core; 1: none but the main one)',
      positiveInt,
    )
    .option(
      '--traces <dir>',
      'where to write the events file of each counterexample and witness',
      nonEmptyPath,
      DEFAULT_TRACES,
    )
    .option('--no-traces', 'write no events files')
    .option('--timings', 'also give the time taken: elapsedMs in --json, time in --junit')
    .addHelpText(
      'after',
      [
        '',
        'Exit code: 0 when every verdict is as expected, 1 when one is not (or is undecided within the',
        'bound), 2 on bad input (the topology, an option, an output path that cannot be written),',
        '74 when an output could not be written after the check.',
      ].join('\n'),
    )
    .action(async (file: string | undefined, options: CheckFlags) => {
      const topologyFile = file ?? relative(process.cwd(), BUNDLED_SITE);
      const topology = checkInputs(topologyFile, options);
      const progress = new ProgressLine(process.stderr);
      let report: CheckReport;
      try {
        report = runCheck(topology, {
          maxStates: options.maxStates,
          maxDepth: options.depth,
          full: options.full ?? false,
          seed: options.seed,
          randomBudget: options.randomBudget,
          workers: options.workers,
          onProgress: (p) => progress.update(p),
          onRandomProgress: (p) => progress.random(p),
          // Each random search's seed, on stderr: with --seed, any failure replays.
          onRandomStart: (start) =>
            progress.note(
              `kpm: random runs, ${start.worker === 0 ? 'main thread' : `worker ${start.worker}`}: ${start.property}, seed ${start.seed}`,
            ),
        });
      } finally {
        progress.stop();
      }
      const { traceFiles, failures } = writeOutputs(report, options);
      // Set before writing: a reader that goes away (EPIPE) ends kpm with this code.
      if (failures.length > 0) process.exitCode = ExitCode.outputError;
      else if (!allAsExpected(report)) process.exitCode = ExitCode.notAsExpected;
      if (options.json) {
        await writeStdout(`${JSON.stringify(jsonReport(report, options.timings ?? false), null, 2)}\n`);
      } else {
        const paint = terminalPaint(process.stdout);
        const lines = formatReport(report, topology, {
          paint,
          topologyFile,
          traceFile: (r) => traceFiles.get(r) ?? null,
        });
        await writeStdout(`${lines.join('\n')}\n`);
      }
      // The verdicts are out; then what could not be written (exit code 74, set above).
      for (const failure of failures) tellStderr(`kpm: ${failure.message}`);
    });
}

/** The topology and the output paths, with every problem of all of them in one error. */
function checkInputs(topologyFile: string, options: CheckFlags): Topology {
  const inputs = new ProblemList();
  const topology = inputs.attempt(() => loadTopology(topologyFile));
  if (options.traces !== false) {
    const traces = options.traces;
    const hint =
      traces === DEFAULT_TRACES
        ? '; this is the default --traces folder: choose another with --traces DIR, or use --no-traces'
        : '';
    inputs.attempt(() => {
      try {
        checkOutputFolder(traces, '--traces');
      } catch (error) {
        if (error instanceof InputError && hint) {
          throw new InputError(error.problems.map((p) => ({ ...p, message: p.message + hint })));
        }
        throw error;
      }
    });
  }
  if (options.junit !== undefined) {
    const junit = options.junit;
    inputs.attempt(() => checkOutputFile(junit, '--junit'));
  }
  inputs.throwIfAny();
  return topology as Topology;
}

/** The trace files and the JUnit report; a write that fails is kept for the end, after the verdicts. */
function writeOutputs(report: CheckReport, options: CheckFlags) {
  const failures: OutputError[] = [];
  const attempt = (write: () => void): boolean => {
    try {
      write();
      return true;
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      failures.push(error);
      return false;
    }
  };
  const traceFiles = new Map<PropertyResult, string>();
  if (options.traces !== false) {
    for (const result of report.properties) {
      if (result.trace === null) continue;
      const file = join(options.traces, traceFileName(report.topology, result));
      const text = `${JSON.stringify(result.trace, null, 2)}\n`;
      if (attempt(() => writeFileAtomically(file, text))) traceFiles.set(result, file);
    }
  }
  const junit = options.junit;
  if (junit !== undefined)
    attempt(() => writeFileAtomically(junit, junitXml(report, options.timings ?? false)));
  return { traceFiles, failures };
}

/**
 * One events file per trace, named after the site, the property and the subject: safe and bounded
 * whatever the site's name and the ids (a 250-character name, `/`, a case-only difference).
 */
export function traceFileName(topology: string, result: Pick<PropertyResult, 'id' | 'subject'>): string {
  return safeFileName([topology, result.id, ...(result.subject ? [result.subject] : [])], '.json');
}

/**
 * interface.md, `kpm check --json`; the extra fields (statement, evidence, operator...) are welcome
 * there. The same inputs and seed give the same bytes: the time taken only with --timings.
 */
function jsonReport(report: CheckReport, timings: boolean) {
  return {
    topology: report.topology,
    complete: report.complete,
    states: report.states,
    transitions: report.transitions,
    depth: report.depth,
    ...(timings ? { elapsedMs: Math.round(report.elapsedMs) } : {}),
    method: report.method,
    explorations: report.explorations,
    couplings: report.couplings,
    ...(report.fullProduct ? { fullProduct: report.fullProduct } : {}),
    properties: report.properties,
    operator: report.operator,
    // The threads used depend on the machine (its cores): not in the machine output, which is the
    // same for the same inputs and seed everywhere.
    ...(report.random ? { random: withoutWorkers(report.random) } : {}),
  };
}

function withoutWorkers({ workers: _, ...random }: RandomReport): Omit<RandomReport, 'workers'> {
  return random;
}
