/**
 * An adapter that is a TypeScript or JavaScript module (interface.md: `--run ./adapter.ts`): run by
 * kpm's module host (module-host.ts) in a child process, through tsx, so that it is timed out and
 * killed like an adapter command.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startProcessAdapter } from './process.ts';
import { AdapterStartError, type Adapter } from './protocol.ts';

const HOST = fileURLToPath(new URL('./module-host.ts', import.meta.url));

/** Loading a module through tsx takes a while the first time: this long, at least, to be ready. */
const READY_MS = 30_000;

/** Whether `--run` names a module (by its extension) rather than a command. */
export function isModule(run: string): boolean {
  return /\.(m?[jt]s|c[jt]s|tsx?)$/.test(run.trim()) && !/\s/.test(run.trim());
}

export async function startModuleAdapter(path: string, options: { timeoutMs: number }): Promise<Adapter> {
  const file = resolve(path);
  if (!existsSync(file)) throw new AdapterStartError(`adapter module ${path} does not exist`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return startProcessAdapter(
    { file: process.execPath, args: ['--import', tsx, HOST, file] },
    {
      timeoutMs: options.timeoutMs,
      label: `adapter module ${path}`,
      handshakeMs: Math.max(READY_MS, options.timeoutMs),
    },
  );
}
