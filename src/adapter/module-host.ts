/**
 * Runs an adapter module (interface.md: a TypeScript or JavaScript module exporting the protocol's
 * operations as functions) behind the JSON-lines protocol, in a child process of kpm: a module that
 * hangs, crashes or prints is then contained, timed out and killed like any adapter command.
 *
 *   node --import tsx src/adapter/module-host.ts <module>
 *
 * First line out: `{"ready":true}` once the module is loaded and exports `reset`, `apply` and
 * `observe` (and maybe `close`), named or on its default export; else `{"ready":false,"error":...}`.
 * Then one reply a line per request. What the module itself prints goes to stderr, so that it cannot
 * break the protocol. A function that throws ends the host with the error on stderr.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

type Operations = {
  reset: (topology: unknown) => unknown;
  apply: (event: unknown) => unknown;
  observe: () => unknown;
  close?: () => unknown;
};

const write = process.stdout.write.bind(process.stdout);
const reply = (value: unknown) => write(`${JSON.stringify(value ?? null)}\n`);

// The module's own output must not reach the protocol's stream.
const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
process.stdout.write = ((chunk: string | Uint8Array) =>
  process.stderr.write(chunk)) as typeof process.stdout.write;

async function load(path: string): Promise<Operations> {
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const named = module as Partial<Operations>;
  const fallback = (module.default ?? {}) as Partial<Operations>;
  const pick = (name: keyof Operations) =>
    typeof named[name] === 'function'
      ? named[name]
      : typeof fallback[name] === 'function'
        ? fallback[name]
        : undefined;
  const ops = { reset: pick('reset'), apply: pick('apply'), observe: pick('observe'), close: pick('close') };
  const missing = (['reset', 'apply', 'observe'] as const).filter((name) => ops[name] === undefined);
  if (missing.length > 0)
    throw new Error(`${path} does not export ${missing.map((m) => `${m}()`).join(', ')}`);
  return ops as Operations;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  let ops: Operations;
  try {
    ops = await load(path);
  } catch (error) {
    reply({ ready: false, error: `cannot load the adapter module: ${(error as Error).message}` });
    process.exit(2);
  }
  reply({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    const request = JSON.parse(line) as { op: string; topology?: unknown; event?: unknown };
    try {
      if (request.op === 'close') {
        await ops.close?.();
        process.exit(0);
      }
      if (request.op === 'reset') reply(await ops.reset(request.topology));
      else if (request.op === 'apply') reply(await ops.apply(request.event));
      else if (request.op === 'observe') reply(await ops.observe());
      else reply({ error: `unknown op ${JSON.stringify(request.op)}` });
    } catch (error) {
      process.stderr.write(
        `${request.op}() threw: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    }
  }
  await ops.close?.();
}

await main();
