/**
 * Runs one property plan along one trace: the property suites' oracle, and the check of any trace
 * a search claims. Deterministic: the same topology, plan, trace and model give the same answer.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { observe } from '../world/observe.ts';
import { initialWorld, step } from '../world/world.ts';
import { inAlphabet, type AlphabetName } from './alphabets.ts';
import type { Check, Plan } from './plan.ts';
import { recoveryShortfall } from './recovery.ts';

/** A plan that has something to check on its site. */
export type CheckedPlan = Plan & { check: Check };

export interface TraceFinding {
  /** How many events of the trace had been applied or refused when the bad thing showed (0: the initial state). */
  at: number;
  message: string;
}

/** The first bad state or step of the plan along `events`, or null. Events outside its alphabet are skipped. */
export function evaluateTrace(
  topology: Topology,
  plan: Pick<CheckedPlan, 'alphabet' | 'check'>,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  const { check, alphabet } = plan;
  switch (check.kind) {
    case 'search':
      return searchTrace(topology, alphabet, check, events, model);
    case 'differential':
      return differentialTrace(alphabet, check, events, model);
    case 'recovery':
      return recoveryTrace(topology, events, model);
  }
}

function searchTrace(
  topology: Topology,
  alphabet: AlphabetName,
  check: Extract<Check, { kind: 'search' }>,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  let world = initialWorld(topology, model);
  let state = observe(world);
  const initial = check.state?.(state);
  if (initial) return { at: 0, message: initial };
  for (const [i, event] of events.entries()) {
    if (!inAlphabet(alphabet, event)) continue;
    const result = step(world, event);
    if (result.outcome === 'refused') {
      const bad = check.refusal?.(state, event);
      if (bad) return { at: i + 1, message: bad };
      continue;
    }
    const after = observe(result.world);
    const bad = check.step?.(state, event, after) ?? check.state?.(after);
    if (bad) return { at: i + 1, message: bad };
    world = result.world;
    state = after;
  }
  return null;
}

function differentialTrace(
  alphabet: AlphabetName,
  check: Extract<Check, { kind: 'differential' }>,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  let left = initialWorld(check.left, model);
  let right = initialWorld(check.right, model);
  const initial = check.compare(observe(left), observe(right));
  if (initial) return { at: 0, message: initial };
  for (const [i, event] of events.entries()) {
    if (!inAlphabet(alphabet, event)) continue;
    left = step(left, event).world;
    if (!check.skipRight(event)) right = step(right, event).world;
    const bad = check.compare(observe(left), observe(right));
    if (bad) return { at: i + 1, message: bad };
  }
  return null;
}

/** LV-01 after every prefix of the trace (every event: recovery is checked from every reachable state). */
function recoveryTrace(topology: Topology, events: readonly KpmEvent[], model?: Model): TraceFinding | null {
  let world = initialWorld(topology, model);
  const initial = observe(world);
  for (let i = 0; i <= events.length; i++) {
    if (i > 0) world = step(world, events[i - 1]).world;
    const shortfall = recoveryShortfall(world, initial);
    if (shortfall.length > 0) return { at: i, message: shortfall.map((s) => s.message).join('; ') };
  }
  return null;
}
