/**
 * `npm run bench`: how fast and how big the exhaustive explorer is, on the bundled edge site and on
 * synthetic sites of 2 to 8 hosts (bench/synthetic.ts), the product of every host; then `kpm check`
 * on generated sites of 10 to 1,000 hosts (bench/generated.ts), part by part (src/check/compose.ts),
 * beside the full product of the same sites as far as it goes, with the 1,000/10 time ratio.
 *
 * Each measurement runs in a fresh child process, so that its time includes building the tables
 * from the statecharts and its peak RSS is its own. A run stops at --max-states (default 4,000,000)
 * and is then marked "bounded". The direct explorer (straight over step()) runs on the edge site
 * for the fast/direct ratio.
 *
 * Then `kpm paths` on the edge site (bench/paths.ts): exploration, per-step coverage, and for each
 * target its generation time, total steps and baseline, with XState's figures.
 *
 * Then `kpm report` on the edge site (bench/report.ts): wall and CPU time, and each flip's check.
 *
 *   npm run bench [-- --max-states N] [-- --quick] [-- --paths] [-- --check] [-- --report]
 *   (--paths, --check, --report: the paths figures, the kpm check series, the report figures only)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { alphabetFilter as alphabetNamed, type AlphabetName } from '../src/catalogue/alphabets.ts';
import { exploreDirect } from '../src/explore/direct.ts';
import { runCheck } from '../src/check/run.ts';
import { explore } from '../src/explore/fast.ts';
import { loadTopology } from '../src/topology/load.ts';
import type { Topology } from '../models/topology.ts';
import { measurePaths, printPaths, type PathsMeasure } from './paths.ts';
import { printReport } from './report.ts';
import { generatedSite } from './generated.ts';
import { branchSite, syntheticSite } from './synthetic.ts';

interface Job {
  site: string;
  alphabet: AlphabetName;
  /** packed, direct: the explorers over the product; check: kpm check (check-full: with --full). */
  engine: 'packed' | 'direct' | 'check' | 'check-full';
  maxStates: number;
}

interface Measure {
  complete: boolean;
  states: number;
  transitions: number;
  seconds: number;
  tableSteps: number | null;
  peakRssMb: number;
  /** kpm check: explorations, and verdicts not as expected. */
  explorations?: number;
  notAsExpected?: number;
}

const here = fileURLToPath(import.meta.url);
const examples = join(here, '..', '..', 'examples');

function siteNamed(name: string): Topology {
  if (name === 'edge-site') return loadTopology(join(examples, 'edge-site.yaml'));
  if (name.startsWith('branch-')) return branchSite(Number(name.replace('branch-', '')));
  if (name.startsWith('generated-')) return generatedSite(Number(name.replace('generated-', '')));
  return syntheticSite(Number(name.replace('synthetic-', '')));
}

/** One measurement, in this process (the child side). */
function measure(job: Job): Measure {
  const topology = siteNamed(job.site);
  const alphabet = alphabetNamed(job.alphabet);
  const started = performance.now();
  if (job.engine === 'check' || job.engine === 'check-full') {
    const r = runCheck(topology, {
      full: job.engine === 'check-full',
      maxStates: job.maxStates,
      randomBudget: 0,
    });
    return {
      ...result(r.complete, r.states, r.transitions, started, null),
      explorations: r.explorations.length,
      notAsExpected: r.properties.filter((p) => !p.asExpected).length,
    };
  }
  if (job.engine === 'direct') {
    const d = exploreDirect(topology, { alphabet, maxStates: job.maxStates });
    return result(d.complete, d.worlds.length, d.transitions, started, null);
  }
  const x = explore(topology, { alphabet, maxStates: job.maxStates });
  return result(x.complete, x.states, x.transitions, started, x.stats().tableSteps);
}

function result(
  complete: boolean,
  states: number,
  transitions: number,
  started: number,
  tableSteps: number | null,
) {
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return { complete, states, transitions, seconds, tableSteps, peakRssMb };
}

/** One measurement in a fresh child process (the parent side). */
function inChild(job: Job): Measure {
  const child = spawnSync(process.execPath, [...process.execArgv, here, '--job', JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`bench job failed: ${JSON.stringify(job)}\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Measure;
}

function jobs(maxStates: number, quick: boolean): Job[] {
  const sizes = quick ? [2, 4] : [2, 4, 6, 8];
  const packed = (site: string, alphabet: AlphabetName): Job => ({
    site,
    alphabet,
    engine: 'packed',
    maxStates,
  });
  const out: Job[] = [
    { site: 'edge-site', alphabet: 'all', engine: 'direct', maxStates },
    packed('edge-site', 'all'),
    packed('branch-6', 'all'),
  ];
  for (const alphabet of ['all', 'outagesRebootsAndPower'] as const) {
    for (const n of sizes) out.push(packed(`synthetic-${n}`, alphabet));
  }
  return out;
}

/** kpm check on generated sites: part by part up to 1,000 hosts, the full product while it lasts. */
function checkJobs(maxStates: number, quick: boolean): Job[] {
  const check = (n: number, engine: 'check' | 'check-full'): Job => ({
    site: `generated-${n}`,
    alphabet: 'all',
    engine,
    maxStates,
  });
  const parts = quick ? [10, 100, 1000] : [10, 30, 100, 300, 1000];
  // The full product of three generated hosts has 3,017,856 states (656 s here): bounded, it shows
  // the wall without waiting for it.
  const full = (n: number): Job => ({ ...check(n, 'check-full'), maxStates: Math.min(maxStates, 200_000) });
  return [...[1, 2, 3].map(full), ...parts.map((n) => check(n, 'check'))];
}

const COLUMNS = [
  'site',
  'alphabet',
  'engine',
  'result',
  'states',
  'transitions',
  's',
  'states/s',
  'RSS MB',
  'step() calls',
];

function row(job: Job, m: Measure): string[] {
  return [
    job.site,
    job.alphabet,
    job.engine,
    m.complete ? 'complete' : 'bounded',
    m.states.toLocaleString('en-US'),
    m.transitions.toLocaleString('en-US'),
    m.seconds.toFixed(2),
    Math.round(m.states / m.seconds).toLocaleString('en-US'),
    m.peakRssMb.toFixed(0),
    m.tableSteps === null ? '-' : m.tableSteps.toLocaleString('en-US'),
  ];
}

function printTable(rows: string[][]): void {
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(COLUMNS));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The paths figures, in a fresh child process. */
function pathsInChild(): PathsMeasure {
  const child = spawnSync(process.execPath, [...process.execArgv, here, '--paths-job'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`bench paths job failed\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as PathsMeasure;
}

function main(): void {
  const job = option('--job');
  if (job !== undefined) {
    console.log(JSON.stringify(measure(JSON.parse(job) as Job)));
    return;
  }
  if (process.argv.includes('--paths-job')) {
    console.log(JSON.stringify(measurePaths(examples)));
    return;
  }
  if (process.argv.includes('--paths')) {
    printPaths(pathsInChild());
    return;
  }
  if (process.argv.includes('--report')) {
    printReport(join(here, '..', '..'));
    return;
  }
  const maxStates = Number(option('--max-states') ?? 4_000_000);
  const quick = process.argv.includes('--quick');
  console.log(
    `kpm bench: node ${process.version}, one core per run, bound ${maxStates.toLocaleString('en-US')} states`,
  );
  if (!process.argv.includes('--check')) {
    console.log(
      'synthetic-N: see bench/synthetic.ts (7.0U3, TPM 2.0, persistence on odd hosts, a KMS VM and',
    );
    console.log(
      'a native vTPM VM per host, vSAN by the KMS); branch-N: 7.0U1 TPM-less hosts with one KMS VM each;',
    );
    console.log('"step() calls": table entries computed via XState\n');
    const measured = runJobs(jobs(maxStates, quick));
    summarise(measured);
  }
  console.log(
    '\nkpm check on generated-N (bench/generated.ts: eight kinds of host, 7.0U1 to 8.0U3, TPM 2.0,',
  );
  console.log('1.2 or none, two VMs per host over a KMS, a Trust Authority and a native provider, vSAN);');
  console.log('check: part by part (the default); check-full: --full, the product of every host\n');
  summariseCheck(runJobs(checkJobs(maxStates, quick)));
  if (!process.argv.includes('--check')) {
    printPaths(pathsInChild());
    printReport(join(here, '..', '..'));
  }
}

/** Each job in its own child process, the table of all of them. */
function runJobs(list: Job[]): [Job, Measure][] {
  const measured: [Job, Measure][] = [];
  for (const j of list) {
    const m = inChild(j);
    measured.push([j, m]);
    process.stderr.write(`  ${row(j, m).slice(0, 4).join(' ')}: ${m.seconds.toFixed(2)} s\n`);
  }
  printTable(measured.map(([j, m]) => row(j, m)));
  return measured;
}

/** The scale target of issue 9: linear time, flat memory, every verdict as expected. */
function summariseCheck(measured: [Job, Measure][]): void {
  console.log('');
  for (const [j, m] of measured) {
    const verdicts =
      m.notAsExpected === 0 ? 'every verdict as expected' : `${m.notAsExpected} not as expected`;
    console.log(`${j.site} ${j.engine}: ${m.explorations} exploration(s), ${verdicts}`);
  }
  const at = (n: number) => measured.find(([j]) => j.site === `generated-${n}` && j.engine === 'check')?.[1];
  const [ten, thousand] = [at(10), at(1000)];
  if (ten && thousand) {
    console.log(
      `1,000 hosts against 10: time x${(thousand.seconds / ten.seconds).toFixed(1)} for x100 the hosts ` +
        `(${ten.seconds.toFixed(2)} s, ${thousand.seconds.toFixed(2)} s); peak RSS ` +
        `${ten.peakRssMb.toFixed(0)} MB, ${thousand.peakRssMb.toFixed(0)} MB`,
    );
  }
}

/** The targets of the explorer's issue, read off the measurements. */
function summarise(measured: [Job, Measure][]): void {
  const find = (p: (j: Job) => boolean) => measured.filter(([j]) => p(j));
  const direct = find((j) => j.engine === 'direct')[0]?.[1];
  const fast = find((j) => j.site === 'edge-site' && j.engine === 'packed')[0]?.[1];
  console.log('');
  if (direct && fast) {
    console.log(
      `edge site fully explored: packed ${fast.seconds.toFixed(2)} s vs direct ${direct.seconds.toFixed(2)} s, ` +
        `${(direct.seconds / fast.seconds).toFixed(1)}x (cold starts, tables included; target < 2 s)`,
    );
  }
  for (const [j, m] of find(
    (j) => (j.site === 'synthetic-6' || j.site === 'branch-6') && j.engine === 'packed',
  )) {
    const how = m.complete ? `complete, ${m.states.toLocaleString('en-US')} states` : 'bounded';
    console.log(`six hosts (${j.site}), ${j.alphabet}: ${how}`);
  }
  for (const [, m] of find((j) => j.site === 'synthetic-8' && j.alphabet === 'all')) {
    const rate = Math.round(m.states / m.seconds).toLocaleString('en-US');
    console.log(`eight hosts: ${rate} distinct states/s (target 500,000)`);
  }
}

main();
