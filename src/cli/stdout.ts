/**
 * Standard output, for every command: written with backpressure (a long `kpm replay` never piles up
 * in memory), and its failures told apart (README, "Exit codes"):
 *
 * - EPIPE: the reader went away (`kpm replay ... | head`); that is its choice: kpm stops silently.
 * - any other error (`> /dev/full`: ENOSPC, EIO...): one line on stderr, exit code 74 (EX_IOERR),
 *   never 1, which would read as "a property is not as expected".
 * - a closed stdout (`>&-`): Node gives the process /dev/null instead, so writes succeed and go
 *   nowhere. kpm says so on stderr once it has written something there.
 */
import { fstatSync, readFileSync, statSync, writeSync } from 'node:fs';
import { reasonOf } from '../yaml-source.ts';
import { ExitCode } from './exit.ts';
import { removeTemporaryFiles } from './output-files.ts';

let wrote = false;

/** Writes `text` on stdout; resolves once the stream can take more. */
export function writeStdout(text: string): Promise<void> {
  wrote = true;
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

/** A line on stderr; its errors are ignored (see below): a closed or full stderr tells nobody. */
export function tellStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The same just before exiting: written at once, since nothing runs after. */
function tellStderrNow(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // nowhere to say it
  }
}

/** Installs the handling above on the process's streams; `main()` calls it once. */
export function handleStdoutErrors(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    removeTemporaryFiles();
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    tellStderrNow(`kpm: cannot write to standard output: ${reasonOf(error)}`);
    process.exit(ExitCode.outputError);
  });
  // Errors on stderr itself have no one to be reported to; they must not change the exit code.
  process.stderr.on('error', () => undefined);
}

/** After a command: if it wrote to a stdout that was closed, say that its output went nowhere. */
export function warnIfStdoutWasClosed(): void {
  if (wrote && stdoutIsReopenedDevNull()) {
    tellStderrNow(
      'kpm: standard output is closed (or /dev/null opened read-write): the output above went nowhere',
    );
  }
}

/**
 * Whether fd 1 is /dev/null opened read-write, which is what Node puts in place of a closed stdout
 * (a shell's `> /dev/null` opens it write-only). Linux only; false where it cannot be told.
 */
function stdoutIsReopenedDevNull(): boolean {
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice() || out.rdev !== statSync('/dev/null').rdev) return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    return flags !== null && (parseInt(flags[1], 8) & 3) === 2;
  } catch {
    return false;
  }
}
