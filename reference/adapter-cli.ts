/**
 * The reference implementation as an adapter command: JSON lines over standard input and output
 * (interface.md), one request and one reply a line.
 *
 *   kpm paths site.yaml --run 'npx tsx reference/adapter-cli.ts [--bug NAME]...'
 *
 * `--bug NAME` (or `KPM_REFERENCE_BUGS`) seeds a bug of bugs.ts.
 */
import { createInterface } from 'node:readline';
import { bugsFromEnvironment, createAdapter } from './adapter.ts';

function bugsFromArguments(args: string[]): string {
  const names: string[] = [];
  args.forEach((arg, i) => {
    if (arg === '--bug' && args[i + 1] !== undefined) names.push(args[i + 1]);
    else if (arg.startsWith('--bug=')) names.push(arg.slice('--bug='.length));
  });
  return [...names, process.env.KPM_REFERENCE_BUGS ?? ''].join(',');
}

let adapter: ReturnType<typeof createAdapter>;
try {
  adapter = createAdapter(bugsFromEnvironment(bugsFromArguments(process.argv.slice(2))));
} catch (error) {
  process.stderr.write(`reference adapter: ${(error as Error).message}\n`);
  process.exit(2);
}

const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const request = JSON.parse(line) as { op: string; topology?: never; event?: never };
  switch (request.op) {
    case 'reset':
      answer(adapter.reset(request.topology as never));
      break;
    case 'apply':
      answer(adapter.apply(request.event as never));
      break;
    case 'observe':
      answer(adapter.observe());
      break;
    case 'close':
      adapter.close();
      process.exit(0);
      break;
    default:
      answer({ error: `unknown op ${JSON.stringify(request.op)}` });
  }
}
