/**
 * Exit codes and error handling shared by every `kpm` command (interface.md, "The command"):
 * 0 when all is as expected, 1 when a property is not as expected, 2 on bad input; and, kept apart
 * from those, 74 when an output could not be written and 70 for a bug in kpm.
 */
import { inspect } from 'node:util';
import { Command, CommanderError } from 'commander';
import { formatProblem, InputError } from '../errors.ts';
import { OutputError } from './output-files.ts';

export const ExitCode = {
  /** All is as expected. */
  ok: 0,
  /** A property is not as expected. A command's action sets `process.exitCode` to this. */
  notAsExpected: 1,
  /** Bad input: a usage error, an unreadable or invalid topology or event file. */
  badInput: 2,
  /** A bug in kpm itself (EX_SOFTWARE): kept apart from 1 so that a crash never reads as a verdict. */
  internal: 70,
  /**
   * An output could not be written once the work was done (EX_IOERR): stdout (`> /dev/full`), or a
   * trace or JUnit file whose folder passed the checks but failed meanwhile (a full disk).
   */
  outputError: 74,
} as const;

/**
 * Makes commander throw instead of exiting, on `command` and every subcommand (commands added with
 * `addCommand` do not inherit it), and points a user at `--help` after a usage error.
 * Call once the program has all its commands.
 */
export function configureExits(command: Command): void {
  command.exitOverride();
  command.showHelpAfterError(`(see: ${commandPath(command)} --help)`);
  for (const sub of command.commands) configureExits(sub);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * The exit code for an error thrown by a command, after printing what the user needs on stderr.
 * Bad input (`InputError`, a commander usage error) gives 2; `--help` and `--version` give 0.
 * Anything else is a bug in kpm: its stack is printed and the code is `ExitCode.internal`.
 */
export function exitCodeFor(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof InputError) {
    for (const problem of error.problems) stderr.write(`${formatProblem(problem)}\n`);
    return ExitCode.badInput;
  }
  if (error instanceof OutputError) {
    stderr.write(`kpm: ${error.message}\n`);
    return ExitCode.outputError;
  }
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help) on stderr.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
  }
  stderr.write(`kpm: internal error (a bug in kpm, not a problem with your input)\n${inspect(error)}\n`);
  return ExitCode.internal;
}

/** Runs `program` on `argv` (as in `process.argv`) and returns the exit code; never exits itself. */
export async function runProgram(program: Command, argv: readonly string[] = process.argv): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return exitCodeFor(error);
  }
}
