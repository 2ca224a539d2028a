/**
 * `kpm report [topology] --out DIR` (interface.md): writes the specification review of the site,
 * `DIR/index.html` (self-contained) and `DIR/report.md` (the same content for code hosts), with
 * the `replay/` files its `kpm replay` commands use.
 *
 * Every input is checked before the work starts (the topology, and that DIR can be written: exit 2
 * with every problem). Then all or nothing: the files go to a temporary folder beside DIR, which
 * then takes DIR's place; bad input, a failure or a signal leaves nothing in DIR. A write that
 * fails after the work is exit 74. Exit 1 when a verdict on the site is not as expected (the report
 * is written all the same: it shows which).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { InputError, ProblemList } from '../errors.ts';
import { reviewTestPaths } from '../paths/review-source.ts';
import { buildReview, DEFAULT_SEED } from '../review/build.ts';
import { loadTopology } from '../topology/load.ts';
import { reasonOf } from '../yaml-source.ts';
import type { Topology } from '../../models/topology.ts';
import { nonEmptyPath, seed } from './arguments.ts';
import { BUNDLED_SITE } from './check.ts';
import { ExitCode } from './exit.ts';
import { checkOutputFolder, OutputError } from './output-files.ts';
import { tellStderr, writeStdout } from './stdout.ts';

interface ReportFlags {
  out: string;
  json?: boolean;
  seed: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write the specification review of a site: DIR/index.html and DIR/report.md')
    .argument('[topology]', 'topology file (YAML or JSON); the bundled edge site when omitted')
    .requiredOption(
      '--out <dir>',
      'the folder to write the report to: new, empty, or an earlier report (replaced as a whole)',
      nonEmptyPath,
    )
    .option('--json', 'print what was written as JSON and nothing else on stdout')
    .option('--seed <n>', 'seed of the sampled property runs of the coverage section', seed, DEFAULT_SEED)
    .addHelpText(
      'after',
      [
        '',
        'Sections: the statecharts, the traceability matrix, counterexamples and witnesses, the release',
        'matrix, the modelling choices, coverage, the operator’s page. The same inputs give the same bytes.',
        '',
        'Exit code: 0 when every verdict is as expected, 1 when one is not (the report is written), 2 on',
        'bad input (nothing is written), 74 when the report could not be written after the work.',
      ].join('\n'),
    )
    .action(async (file: string | undefined, options: ReportFlags) => {
      const topologyFile = file ?? relative(process.cwd(), BUNDLED_SITE);
      const topology = checkInputs(topologyFile, options.out);
      const review = await buildReview(topology, {
        // As given, or the bundled site by its place in the package: never a path of this machine.
        topologyFile: file ?? 'examples/edge-site.yaml',
        seed: options.seed,
        testPaths: reviewTestPaths,
      });
      try {
        writeFolder(options.out, review.files);
      } catch (error) {
        if (!(error instanceof OutputError)) throw error;
        process.exitCode = ExitCode.outputError;
        tellStderr(`kpm: ${error.message}`);
        return;
      }
      // Set before writing: a reader that goes away (EPIPE) ends kpm with this code.
      if (!review.asExpected) process.exitCode = ExitCode.notAsExpected;
      const files = review.files.map(([path]) => join(options.out, path));
      if (options.json) {
        const summary = { topology: topology.name, out: options.out, files, asExpected: review.asExpected };
        await writeStdout(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        await writeStdout(
          `kpm report ${topology.name}: wrote ${files[0]} and ${files[1]} (${files.length - 2} replay files)\n`,
        );
      }
    });
}

/** The topology and the output folder, with every problem of both in one error. */
function checkInputs(topologyFile: string, out: string): Topology {
  const inputs = new ProblemList();
  const topology = inputs.attempt(() => loadTopology(topologyFile));
  inputs.attempt(() => {
    checkOutputFolder(out, '--out');
    checkReportFolder(out);
  });
  inputs.throwIfAny();
  return topology as Topology;
}

/**
 * DIR is replaced as a whole, so it must be new, empty, or a report kpm wrote before; and it must
 * not be, or hold, the current folder. Anything else is a mistake to be told, not a folder to lose.
 */
function checkReportFolder(out: string): void {
  const fail = (message: string): never => {
    throw new InputError([
      { file: out, line: null, path: '', message: `cannot write the --out folder: ${message}` },
    ]);
  };
  const target = resolve(out);
  const cwd = process.cwd();
  if (cwd === target || cwd.startsWith(`${target}${sep}`)) {
    fail('it is, or holds, the current folder; kpm replaces the whole folder: give a new one');
  }
  if (!existsSync(target)) return;
  const entries = readdirSync(target);
  const report = entries.includes('index.html') && entries.includes('report.md');
  if (entries.length > 0 && !report) {
    fail('it holds files that are not a kpm report; kpm replaces the whole folder: give a new or empty one');
  }
}

/** Temporary and displaced folders of a write in progress: removed if kpm exits in the middle. */
const leftovers = new Set<string>();
let cleanupInstalled = false;

function removeLeftovers(): void {
  for (const folder of leftovers) rmSync(folder, { recursive: true, force: true });
  leftovers.clear();
}

/**
 * Writes the files into a fresh temporary folder beside `dir`, then puts it in `dir`'s place (the
 * old `dir`, if any, is moved aside first and removed once the new one is there). Nothing
 * half-written is ever at `dir`; a failure restores the old one and throws an OutputError.
 */
export function writeFolder(dir: string, files: readonly [string, string][]): void {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', removeLeftovers);
  }
  const target = resolve(dir);
  const parent = dirname(target);
  const temporary = join(parent, `.${basename(target)}.kpm-${process.pid}.tmp`);
  const old = join(parent, `.${basename(target)}.kpm-${process.pid}.old`);
  const created = makeFolders(parent, dir);
  leftovers.add(temporary);
  try {
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary);
    for (const [path, text] of files) {
      const file = join(temporary, path);
      // Inside the fresh temporary folder: only the report's own subfolders (replay/).
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: 'wx' });
    }
    if (existsSync(target)) {
      leftovers.add(old);
      renameSync(target, old);
    }
    renameSync(temporary, target);
    leftovers.delete(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    leftovers.delete(temporary);
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    leftovers.delete(old);
    for (const folder of [...created].reverse()) rmSync(folder, { recursive: true, force: true });
    throw new OutputError(dir, reasonOf(error));
  }
  rmSync(old, { recursive: true, force: true });
  leftovers.delete(old);
}

/**
 * Creates the missing folders above the report's folder one level at a time (never
 * `mkdirSync(..., { recursive: true })` on a user's path: on some paths it loops forever);
 * returns those created, top down.
 */
function makeFolders(folder: string, dir: string): string[] {
  const missing: string[] = [];
  for (let part = folder; !existsSync(part); part = dirname(part)) {
    missing.unshift(part);
    if (dirname(part) === part) break;
  }
  const created: string[] = [];
  try {
    for (const part of missing) {
      mkdirSync(part);
      created.push(part);
    }
    if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  } catch (error) {
    for (const part of [...created].reverse()) rmSync(part, { recursive: true, force: true });
    throw new OutputError(dir, reasonOf(error));
  }
  return created;
}
