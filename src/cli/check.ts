/**
 * `kpm check [topology]` (interface.md): the main job. Decides every property of the spec on the
 * site, prints the verdicts, the shortest counterexamples and witnesses with the events files that
 * replay them, and exits 0 when every verdict is as expected, 1 otherwise.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { formatReport } from '../check/format.ts';
import { junitXml } from '../check/junit.ts';
import { allAsExpected, type CheckReport, type PropertyResult } from '../check/report.ts';
import { DEFAULT_MAX_STATES, runCheck } from '../check/run.ts';
import { loadTopology } from '../topology/load.ts';
import { ExitCode } from './exit.ts';
import { terminalPaint } from './replay.ts';
import { ProgressLine } from './progress.ts';

/** The bundled edge site of the seed and the worked example. */
export const BUNDLED_SITE = fileURLToPath(new URL('../../examples/edge-site.yaml', import.meta.url));

interface CheckFlags {
  json?: boolean;
  junit?: string;
  maxStates: number;
  depth?: number;
  seed: number;
  traces: string;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('check every property of the spec on a site, exhaustively where the state space allows')
    .argument('[topology]', 'topology file (YAML or JSON); the bundled edge site when omitted')
    .option('--json', 'print the verdicts as JSON (interface.md) and nothing else on stdout')
    .option('--junit <file>', 'also write the verdicts as a JUnit XML report')
    .option(
      '--max-states <n>',
      'stop exploring after this many distinct states',
      positiveInt,
      DEFAULT_MAX_STATES,
    )
    .option('--depth <n>', 'stop exploring at this many events from the initial state', positiveInt)
    .option('--seed <n>', 'seed of the random runs used past the exploration bound', positiveInt, 1)
    .option(
      '--traces <dir>',
      'where to write the events file of each counterexample and witness',
      '.kpm/traces',
    )
    .addHelpText(
      'after',
      '\nExit code: 0 when every verdict is as expected, 1 when one is not, 2 on bad input.',
    )
    .action((file: string | undefined, options: CheckFlags) => {
      const topologyFile = file ?? relative(process.cwd(), BUNDLED_SITE);
      const topology = loadTopology(topologyFile);
      const progress = new ProgressLine(process.stderr);
      let report: CheckReport;
      try {
        report = runCheck(topology, {
          maxStates: options.maxStates,
          maxDepth: options.depth,
          seed: options.seed,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.stop();
      }
      const traceFiles = writeTraces(report, options.traces);
      if (options.junit) writeAtomically(options.junit, junitXml(report));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(jsonReport(report), null, 2)}\n`);
      } else {
        const paint = terminalPaint(process.stdout);
        const lines = formatReport(report, topology, {
          paint,
          topologyFile,
          traceFile: (r) => traceFiles.get(r) ?? null,
        });
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!allAsExpected(report)) process.exitCode = ExitCode.notAsExpected;
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** interface.md, `kpm check --json`; the extra fields (statement, evidence, operator...) are welcome there. */
function jsonReport(report: CheckReport) {
  return {
    topology: report.topology,
    complete: report.complete,
    states: report.states,
    transitions: report.transitions,
    depth: report.depth,
    elapsedMs: Math.round(report.elapsedMs),
    properties: report.properties,
    operator: report.operator,
    ...(report.random ? { random: report.random } : {}),
  };
}

/** One events file per trace, named after the property and subject; written whole or not at all. */
function writeTraces(report: CheckReport, dir: string): Map<PropertyResult, string> {
  const files = new Map<PropertyResult, string>();
  for (const result of report.properties) {
    if (result.trace === null) continue;
    const name = [report.topology, result.id, result.subject]
      .filter(Boolean)
      .join('-')
      .replace(/[^\w.+-]/g, '_');
    const file = join(dir, `${name}.json`);
    writeAtomically(file, `${JSON.stringify(result.trace, null, 2)}\n`);
    files.set(result, file);
  }
  return files;
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
