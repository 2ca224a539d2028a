/**
 * `kpm paths --run`: the paths against an implementation, through an adapter (interface.md). Before
 * each path the adapter resets to the steady initial state of the topology; after the reset and after
 * every step kpm observes. Each path:
 * - passes when every step's outcome (`applied` or `refused`; reasons are not compared) and state
 *   agree with the model's;
 * - fails at the first step that does not, reported as the fields that differ, expected against
 *   observed, with the events that reproduce it;
 * - is inconclusive when the adapter answers `inconclusive` or does not answer in time (the adapter
 *   is then restarted for the next path).
 * An adapter that breaks the protocol stops the run (`broken`).
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { AdapterBroken, AdapterStartError, AdapterTimeout, type Adapter } from '../adapter/protocol.ts';
import type { ObservedState } from '../world/observe.ts';
import type { PathSuite, TestPath } from './suite.ts';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface FieldDiff {
  /** `vms.app.locked`, `hosts.esx-02.cachedKeys`, or `outcome`. */
  field: string;
  expected: unknown;
  observed: unknown;
}

export interface Divergence {
  /** 0: right after the reset; k: after the k-th event. */
  step: number;
  event: KpmEvent | null;
  diff: FieldDiff[];
  /** The events from the reset to the diverging step: they reproduce it (`kpm replay`). */
  events: KpmEvent[];
}

export interface PathResult {
  id: string;
  verdict: Verdict;
  /** Steps run before the verdict. */
  steps: number;
  divergence?: Divergence;
  /** Why a path is inconclusive. */
  reason?: string;
  elapsedMs: number;
}

export interface RunReport {
  topology: string;
  cover: PathSuite['cover'];
  paths: PathResult[];
  passed: number;
  failed: number;
  inconclusive: number;
  /** Paths not run because the adapter broke the protocol. */
  notRun: number;
  /** The adapter broke the protocol: what it did, naming the request. */
  broken?: string;
  elapsedMs: number;
}

export interface RunOptions {
  /** Called after each path (progress). */
  onPath?: (result: PathResult) => void;
  /** Stop at the first failing path (the catch table only needs one). */
  stopAtFirstFailure?: boolean;
}

export async function runPaths(
  suite: PathSuite,
  topology: Topology,
  adapter: Adapter,
  options: RunOptions = {},
): Promise<RunReport> {
  const started = performance.now();
  const results: PathResult[] = [];
  let broken: string | undefined;
  for (const path of suite.paths) {
    const began = performance.now();
    let result: Omit<PathResult, 'elapsedMs'>;
    try {
      result = await runPath(path, suite.initial, topology, adapter);
    } catch (error) {
      if (error instanceof AdapterTimeout) {
        result = { id: path.id, verdict: 'inconclusive', steps: 0, reason: error.message };
        // Its state is unknown now: the next path gets a fresh adapter, or the run stops.
        const restarted = await restart(adapter);
        if (restarted !== null) {
          results.push({ ...result, elapsedMs: Math.round(performance.now() - began) });
          broken = `after a timeout, ${restarted}`;
          break;
        }
      } else if (error instanceof AdapterBroken) {
        broken = error.message;
        break;
      } else {
        throw error;
      }
    }
    const done = { ...result, elapsedMs: Math.round(performance.now() - began) };
    results.push(done);
    options.onPath?.(done);
    if (done.verdict === 'fail' && options.stopAtFirstFailure) break;
  }
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  return {
    topology: suite.topology,
    cover: suite.cover,
    paths: results,
    passed: count('pass'),
    failed: count('fail'),
    inconclusive: count('inconclusive'),
    notRun: suite.paths.length - results.length,
    ...(broken !== undefined ? { broken } : {}),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** Restarts the adapter; returns why it could not be, or null. */
async function restart(adapter: Adapter): Promise<string | null> {
  try {
    await adapter.restart();
    return null;
  } catch (error) {
    if (error instanceof AdapterStartError || error instanceof AdapterBroken) return error.message;
    throw error;
  }
}

async function runPath(
  path: TestPath,
  initial: ObservedState,
  topology: Topology,
  adapter: Adapter,
): Promise<Omit<PathResult, 'elapsedMs'>> {
  const reset = await adapter.request({ op: 'reset', topology });
  if (!reset.ok) throw new AdapterBroken(`the adapter could not reset to ${topology.name}: ${reset.error}`);
  const events: KpmEvent[] = [];
  const first = stateDiff(initial, (await adapter.request({ op: 'observe' })).state);
  if (first.length > 0) {
    return {
      id: path.id,
      verdict: 'fail',
      steps: 0,
      divergence: { step: 0, event: null, diff: first, events },
    };
  }
  for (const [k, step] of path.steps.entries()) {
    events.push(step.event);
    const reply = await adapter.request({ op: 'apply', event: step.event });
    if (reply.outcome === 'inconclusive') {
      return {
        id: path.id,
        verdict: 'inconclusive',
        steps: k,
        reason: `step ${k + 1}: ${reply.reason ?? 'inconclusive'}`,
      };
    }
    const diff: FieldDiff[] =
      reply.outcome === step.outcome
        ? []
        : [{ field: 'outcome', expected: step.outcome, observed: reply.outcome }];
    diff.push(...stateDiff(step.state, (await adapter.request({ op: 'observe' })).state));
    if (diff.length > 0) {
      const divergence = { step: k + 1, event: step.event, diff, events: [...events] };
      return { id: path.id, verdict: 'fail', steps: k + 1, divergence };
    }
  }
  return { id: path.id, verdict: 'pass', steps: path.steps.length };
}

/**
 * The fields of the contract (interface.md, `kpm replay --json`'s state) whose observed value
 * differs from the expected one; key lists compare as sets, extra fields are ignored.
 */
export function stateDiff(expected: ObservedState, observed: unknown): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const root = observedRoot(observed);
  for (const key of Object.keys(expected) as (keyof ObservedState)[])
    compare(expected[key], root[key], key, diffs);
  return diffs;
}

function compare(want: unknown, got: unknown, field: string, diffs: FieldDiff[]): void {
  if (isRecord(want)) {
    if (!isRecord(got)) {
      diffs.push({ field, expected: want, observed: got });
      return;
    }
    for (const key of Object.keys(want)) compare(want[key], got[key], `${field}.${key}`, diffs);
    // Extra fields of a host or VM are the adapter's own; an extra host, VM or provider is not.
    if (field === 'providers' || field === 'hosts' || field === 'vms') {
      for (const key of Object.keys(got)) {
        if (!(key in want)) diffs.push({ field: `${field}.${key}`, expected: undefined, observed: got[key] });
      }
    }
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || !sameMembers(want, got)) diffs.push({ field, expected: want, observed: got });
    return;
  }
  if (want !== got) diffs.push({ field, expected: want, observed: got });
}

/** Key lists compare as sets (the contract sorts them; an adapter that does not is not wrong). */
function sameMembers(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (xs: readonly unknown[]) => JSON.stringify([...xs].sort());
  return a.every((x, i) => x === b[i]) || sorted(a) === sorted(b);
}

function observedRoot(observed: unknown): Record<string, unknown> {
  return isRecord(observed) ? observed : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The exit code of interface.md: 0 when no path failed, 1 when one did, 2 for a broken adapter. */
export function runExitCode(report: RunReport): 0 | 1 | 2 {
  if (report.failed > 0) return 1;
  if (report.broken !== undefined) return 2;
  return 0;
}
