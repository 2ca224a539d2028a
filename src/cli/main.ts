/**
 * The `kpm` command (interface.md, "The command"). `bin/kpm.js` runs `main()`; `npm start` and
 * `npm run kpm` run this file directly with tsx.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { configureExits, runProgram } from './exit.ts';
import { checkCommand } from './check.ts';
import { pathsCommand } from './paths.ts';
import { replayCommand } from './replay.ts';
import { reportCommand } from './report.ts';
import { handleStdoutErrors, warnIfStdoutWasClosed } from './stdout.ts';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The whole program, with every command registered; nothing is parsed or run. */
export function buildProgram(): Command {
  const program = new Command('kpm')
    .version(packageJson.version)
    .description(
      'An executable model of VMware vSphere key persistence: check its properties, replay event traces, generate and run test paths, write the specification review.',
    )
    .showSuggestionAfterError();

  // One line per command, each defined in its own file of src/cli/ (interface.md, "The command").
  program.addCommand(checkCommand());
  program.addCommand(replayCommand());
  program.addCommand(pathsCommand());
  program.addCommand(reportCommand());

  configureExits(program);
  return program;
}

/** Runs kpm on `argv` and sets the process's exit code (0, 1, 2 per interface.md). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // `kpm replay ... | head` (EPIPE) stops silently; `> /dev/full` is exit code 74, never 1.
  handleStdoutErrors();
  process.exitCode = await runProgram(buildProgram(), argv);
  warnIfStdoutWasClosed();
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
