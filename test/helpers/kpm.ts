/**
 * Running kpm in tests: `kpmInProcess` for the many cases that need only the command (fast, no new
 * process), `kpmProcess` for what needs a real process (signals, closed or full stdout, another user).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { runProgram } from '../../src/cli/exit.ts';

export const KPM = fileURLToPath(new URL('../../bin/kpm.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TIMEOUT = 60_000;

export interface Run {
  status: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `kpm ...args` in this process, stdout and stderr captured; the exit code it would have. */
export async function kpmInProcess(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((t) => (stdout += t)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((t) => (stderr += t)));
  process.exitCode = undefined;
  try {
    const status = await runProgram(buildProgram(), ['node', 'kpm', ...args]);
    return { status, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    out.mockRestore();
    err.mockRestore();
  }
}

/** `node bin/kpm.js ...args` as a user runs it. */
export function kpmProcess(args: string[], options: SpawnSyncOptions = {}): Run {
  const run = spawnSync(process.execPath, [KPM, ...args], {
    encoding: 'utf8',
    timeout: TIMEOUT,
    ...options,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  if (run.error) throw run.error;
  return { status: run.status, signal: run.signal, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** The same, not waiting: for several runs at once, or a run to interrupt. */
export function kpmStart(args: string[], cwd?: string) {
  return spawn(process.execPath, [KPM, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the exit status, signal and output of a started run. */
export function finished(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
