/**
 * `kpm paths --history FILE`: what earlier runs covered, per target, so that the next generation
 * covers what is left (fMBT's history). A lab that runs fifty steps a day (`--max-steps 50`) gets,
 * day after day, paths for what it has not run yet, until the target is covered; then the history
 * says so and nothing is left to generate.
 *
 * The file is JSON: the topology it is for (its name and a fingerprint of its contents, so that a
 * history is never applied to another site), the covered ids per target, and one line per run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Topology } from '../../models/topology.ts';
import { InputError } from '../errors.ts';
import type { PathSuite, Target } from './suite.ts';

/** Where a target's ids are kept: a walk's transitions count for `transitions`. */
const KEPT_AS: Record<Target, Exclude<Target, 'walk'>> = {
  transitions: 'transitions',
  rules: 'rules',
  refusals: 'refusals',
  graph: 'graph',
  walk: 'transitions',
};

export interface HistoryRun {
  at: string;
  cover: Target;
  paths: number;
  steps: number;
  /** New ids this run covered. */
  covered: number;
  /** Set when the paths were run (`--run`): only the paths that passed count. */
  ran?: boolean;
}

export interface History {
  kpm: 'paths-history';
  version: 1;
  topology: string;
  fingerprint: string;
  covered: Partial<Record<Exclude<Target, 'walk'>, string[]>>;
  runs: HistoryRun[];
}

/** A fingerprint of the site: the topology with every default filled in. */
export function fingerprint(topology: Topology): string {
  return createHash('sha256').update(JSON.stringify(topology)).digest('hex').slice(0, 16);
}

/** The history in `file`, or a new one when the file does not exist yet. */
export function readHistory(file: string, topology: Topology): History {
  const fresh: History = {
    kpm: 'paths-history',
    version: 1,
    topology: topology.name,
    fingerprint: fingerprint(topology),
    covered: {},
    runs: [],
  };
  if (!existsSync(file)) return fresh;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw problem(file, `not a kpm paths history (${(error as Error).message})`);
  }
  const history = data as Partial<History>;
  if (history?.kpm !== 'paths-history' || history.version !== 1 || typeof history.covered !== 'object') {
    throw problem(file, 'not a kpm paths history (no "kpm": "paths-history", "version": 1)');
  }
  if (history.fingerprint !== fresh.fingerprint) {
    throw problem(
      file,
      `recorded for another site (${history.topology ?? '?'}, fingerprint ${history.fingerprint}); this one is ${topology.name}, ${fresh.fingerprint}: use another history file`,
    );
  }
  return { ...fresh, covered: history.covered ?? {}, runs: history.runs ?? [] };
}

function problem(file: string, message: string): InputError {
  return new InputError([{ file, line: null, path: '', message }]);
}

/** The ids earlier runs covered for a target. */
export function doneFor(history: History, cover: Target): Set<string> {
  return new Set(history.covered[KEPT_AS[cover]] ?? []);
}

/**
 * Adds what `suite` covered to the history: every path's targets, or with `passed` only those of
 * the paths that passed (a failed or inconclusive path is run again next time).
 */
export function record(history: History, suite: PathSuite, passed?: ReadonlySet<string>): History {
  const kept = KEPT_AS[suite.cover];
  const before = new Set(history.covered[kept] ?? []);
  const paths = suite.paths.filter((p) => passed === undefined || passed.has(p.id));
  const ids = [
    ...(suite.cover === 'transitions' || suite.cover === 'walk' ? (suite.coverage.byReset ?? []) : []),
    ...paths.flatMap((p) => p.steps.flatMap((s) => s.covers ?? [])),
    ...(suite.cover === 'rules' ? paths.filter((p) => p.steps.length === 0).flatMap((p) => p.covers) : []),
  ];
  const after = new Set([...before, ...ids]);
  return {
    ...history,
    covered: { ...history.covered, [kept]: [...after].sort() },
    runs: [
      ...history.runs,
      {
        at: new Date().toISOString(),
        cover: suite.cover,
        paths: paths.length,
        steps: paths.reduce((n, p) => n + p.steps.length, 0),
        covered: after.size - before.size,
        ...(passed !== undefined ? { ran: true } : {}),
      },
    ],
  };
}

/** The history file's text (the command writes it whole, src/cli/output-files.ts). */
export function formatHistory(history: History): string {
  return `${JSON.stringify(history, null, 2)}\n`;
}

/** Writes a history file in a folder that exists (for tests and tools; the command writes it whole). */
export function writeHistory(file: string, history: History): void {
  writeFileSync(file, formatHistory(history));
}
