/**
 * `kpm report [topology] --out DIR` (interface.md): writes the specification review of the site,
 * `DIR/index.html` (self-contained) and `DIR/report.md` (the same content for code hosts), with
 * the `replay/` files its `kpm replay` commands use. All or nothing: the files are written to a
 * temporary folder beside DIR, which then takes DIR's place; on bad input (exit 2) or any failure
 * nothing is left in DIR. Exit code 1 when a verdict on the site is not as expected (the report is
 * written all the same: it shows which).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { buildReview, DEFAULT_SEED } from '../review/build.ts';
import { loadTopology } from '../topology/load.ts';
import { BUNDLED_SITE } from './check.ts';
import { ExitCode } from './exit.ts';

interface ReportFlags {
  out: string;
  json?: boolean;
  seed: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write the specification review of a site: DIR/index.html and DIR/report.md')
    .argument('[topology]', 'topology file (YAML or JSON); the bundled edge site when omitted')
    .requiredOption('--out <dir>', 'the folder to write the report to (replaced as a whole)')
    .option('--json', 'print what was written as JSON and nothing else on stdout')
    .option(
      '--seed <n>',
      'seed of the sampled property runs of the coverage section',
      wholeNumber,
      DEFAULT_SEED,
    )
    .addHelpText(
      'after',
      [
        '',
        'Sections: the statecharts, the traceability matrix, counterexamples and witnesses, the release',
        'matrix, the modelling choices, coverage, the operator’s page. The same inputs give the same bytes.',
        '',
        'Exit code: 0 when every verdict is as expected, 1 when one is not (the report is written), 2 on',
        'bad input (nothing is written).',
      ].join('\n'),
    )
    .action(async (file: string | undefined, options: ReportFlags) => {
      const topologyFile = file ?? relative(process.cwd(), BUNDLED_SITE);
      const topology = loadTopology(topologyFile);
      const review = await buildReview(topology, { topologyFile: shownPath(file), seed: options.seed });
      writeFolder(options.out, review.files);
      const files = review.files.map(([path]) => join(options.out, path));
      if (options.json) {
        const summary = {
          topology: topology.name,
          out: options.out,
          files,
          asExpected: review.asExpected,
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        process.stdout.write(
          `kpm report ${topology.name}: wrote ${join(options.out, 'index.html')} and ${join(options.out, 'report.md')} (${files.length - 2} replay files)\n`,
        );
      }
      if (!review.asExpected) process.exitCode = ExitCode.notAsExpected;
    });
}

/** The topology as the report names it: as given, or the bundled site by its place in the package. */
function shownPath(file: string | undefined): string {
  return file ?? 'examples/edge-site.yaml';
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

/**
 * Writes the files into a fresh temporary folder beside `dir`, then puts it in `dir`'s place (the
 * old `dir` is moved aside first and removed once the new one is there). Nothing half-written is
 * ever at `dir`.
 */
export function writeFolder(dir: string, files: readonly [string, string][]): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const temporary = join(parent, `.${basename(target)}.kpm-${process.pid}.tmp`);
  const old = join(parent, `.${basename(target)}.kpm-${process.pid}.old`);
  rmSync(temporary, { recursive: true, force: true });
  try {
    for (const [path, text] of files) {
      const file = join(temporary, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}
