/**
 * `npm run bench`: how fast and how big the exhaustive explorer is, on the bundled edge site and on
 * synthetic sites of 2 to 8 hosts (bench/synthetic.ts), with and without symmetry reduction.
 *
 * Each measurement runs in a fresh child process, so that its time includes building the tables
 * from the statecharts and its peak RSS is its own. A run stops at --max-states (default 4,000,000)
 * and is then marked "bounded". The direct explorer (straight over step()) runs on the edge site
 * for the fast/direct ratio.
 *
 * Then `kpm paths` on the edge site (bench/paths.ts): exploration, per-step coverage, and for each
 * target its generation time, total steps and baseline, with XState's figures.
 *
 *   npm run bench [-- --max-states N] [-- --quick] [-- --paths]   (--paths: the paths figures only)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { alphabetFilter as alphabetNamed, type AlphabetName } from '../src/catalogue/alphabets.ts';
import { exploreDirect } from '../src/explore/direct.ts';
import { explore } from '../src/explore/fast.ts';
import { loadTopology } from '../src/topology/load.ts';
import type { Topology } from '../models/topology.ts';
import { measurePaths, printPaths, type PathsMeasure } from './paths.ts';
import { branchSite, syntheticSite } from './synthetic.ts';

interface Job {
  site: string;
  alphabet: AlphabetName;
  engine: 'packed' | 'direct';
  symmetry: boolean;
  maxStates: number;
}

interface Measure {
  complete: boolean;
  states: number;
  transitions: number;
  seconds: number;
  tableSteps: number | null;
  peakRssMb: number;
}

const here = fileURLToPath(import.meta.url);
const examples = join(here, '..', '..', 'examples');

function siteNamed(name: string): Topology {
  if (name === 'edge-site') return loadTopology(join(examples, 'edge-site.yaml'));
  if (name.startsWith('branch-')) return branchSite(Number(name.replace('branch-', '')));
  return syntheticSite(Number(name.replace('synthetic-', '')));
}

/** One measurement, in this process (the child side). */
function measure(job: Job): Measure {
  const topology = siteNamed(job.site);
  const alphabet = alphabetNamed(job.alphabet);
  const started = performance.now();
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
  const packed = (site: string, alphabet: AlphabetName, symmetry: boolean): Job => ({
    site,
    alphabet,
    engine: 'packed',
    symmetry,
    maxStates,
  });
  const out: Job[] = [
    { site: 'edge-site', alphabet: 'all', engine: 'direct', symmetry: false, maxStates },
    packed('edge-site', 'all', false),
    packed('edge-site', 'all', true),
    packed('branch-6', 'all', false),
    packed('branch-6', 'all', true),
  ];
  for (const alphabet of ['all', 'outagesRebootsAndPower'] as const) {
    for (const n of sizes)
      out.push(packed(`synthetic-${n}`, alphabet, false), packed(`synthetic-${n}`, alphabet, true));
  }
  return out;
}

const COLUMNS = [
  'site',
  'alphabet',
  'engine',
  'sym',
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
    job.engine === 'direct' ? '-' : job.symmetry ? 'on' : 'off',
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
    cells.map((c, i) => (i < 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
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
  const maxStates = Number(option('--max-states') ?? 4_000_000);
  const quick = process.argv.includes('--quick');
  console.log(
    `kpm bench: node ${process.version}, one core per run, bound ${maxStates.toLocaleString('en-US')} states`,
  );
  console.log('synthetic-N: see bench/synthetic.ts (7.0U3, TPM 2.0, persistence on odd hosts, a KMS VM and');
  console.log(
    'a native vTPM VM per host, vSAN by the KMS); branch-N: 7.0U1 TPM-less hosts with one KMS VM each;',
  );
  console.log('"step() calls": table entries computed via XState\n');
  const rows: string[][] = [];
  const measured: [Job, Measure][] = [];
  for (const j of jobs(maxStates, quick)) {
    const m = inChild(j);
    measured.push([j, m]);
    rows.push(row(j, m));
    process.stderr.write(`  ${row(j, m).slice(0, 5).join(' ')}: ${m.seconds.toFixed(2)} s\n`);
  }
  printTable(rows);
  summarise(measured);
  printPaths(pathsInChild());
}

/** The targets of the issue, read off the measurements. */
function summarise(measured: [Job, Measure][]): void {
  const find = (p: (j: Job) => boolean) => measured.filter(([j]) => p(j));
  const direct = find((j) => j.engine === 'direct')[0]?.[1];
  const fast = find((j) => j.site === 'edge-site' && j.engine === 'packed' && !j.symmetry)[0]?.[1];
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
    console.log(`six hosts (${j.site}), ${j.alphabet}, symmetry ${j.symmetry ? 'on' : 'off'}: ${how}`);
  }
  for (const [j, m] of find((j) => j.site === 'synthetic-8' && j.alphabet === 'all')) {
    const rate = Math.round(m.states / m.seconds).toLocaleString('en-US');
    console.log(
      `eight hosts, symmetry ${j.symmetry ? 'on' : 'off'}: ${rate} distinct states/s (target 500,000)`,
    );
  }
}

main();
