/**
 * `npm run bench -- --report`: how long `kpm report` takes on the bundled edge site (issue 8: "a few
 * seconds"), as a user runs it (bin/kpm.js, a fresh process each time, module loading included),
 * with the default worker threads and with none, best and median of three runs; then, in this
 * process, what `kpm check` costs on the site and on each option flip the report checks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../src/check/run.ts';
import { flipVariants } from '../src/review/sections/choices.ts';
import { loadTopology } from '../src/topology/load.ts';

const RUNS = 3;

interface Run {
  wall: number;
  cpu: number;
}

/** One `kpm report` in a child process: wall seconds (from here), CPU seconds (the child's own, every thread). */
function reportOnce(root: string, env: NodeJS.ProcessEnv): Run {
  const out = mkdtempSync(join(tmpdir(), 'kpm-bench-report-'));
  rmSync(out, { recursive: true });
  const probe = join(root, 'bench', 'cpu-probe.cjs');
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--require',
      probe,
      join(root, 'bin', 'kpm.js'),
      'report',
      join(root, 'examples', 'edge-site.yaml'),
      '--out',
      out,
    ],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  const wall = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`kpm report failed\n${child.stderr}`);
  const cpu = Number(/kpm-cpu-seconds (\S+)/.exec(child.stderr)?.[1]);
  return { wall, cpu };
}

function summary(runs: Run[]): string {
  const walls = runs.map((r) => r.wall).sort((a, b) => a - b);
  const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b);
  const f = (s: number) => `${s.toFixed(1)} s`;
  return `wall best ${f(walls[0])}, median ${f(walls[1])}; CPU best ${f(cpus[0])}, median ${f(cpus[1])}`;
}

export function printReport(root: string): void {
  console.log(`\nkpm report on the edge site, ${RUNS} runs each (a fresh process per run):`);
  const threads: Run[] = [];
  const single: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    threads.push(reportOnce(root, {}));
    single.push(reportOnce(root, { KPM_WORKERS: '0' }));
  }
  console.log(`  worker threads (default): ${summary(threads)}`);
  console.log(`  KPM_WORKERS=0:            ${summary(single)}`);
  console.log(
    '\nkpm check on the edge site and on each option flip of the report (this process, one thread):',
  );
  const site = loadTopology(join(root, 'examples', 'edge-site.yaml'));
  const variants = [
    { label: 'as in the topology', topology: site },
    ...flipVariants(site).flatMap((v) =>
      v.topology === null ? [] : [{ label: `${v.option.name}: ${String(v.flipped)}`, topology: v.topology }],
    ),
  ];
  for (const { label, topology } of variants) {
    const started = performance.now();
    const report = runCheck(structuredClone(topology), { seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${label.padEnd(28)} ${seconds.toFixed(2).padStart(6)} s  ${String(report.states).padStart(6)} states, ${report.method}`,
    );
  }
}
