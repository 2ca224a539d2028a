/**
 * Runs one property plan along one trace: the property suites' oracle, and the check of any trace
 * a search claims. Deterministic: the same topology, plan, trace and model give the same answer.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../events.ts';
import type { Topology } from '../topology/types.ts';
import { observe } from '../world/observe.ts';
import { initialWorld, step } from '../world/world.ts';
import { inAlphabet } from './alphabets.ts';
import type { Check } from './plans.ts';
import { recoveryShortfall } from './recovery.ts';

export interface TraceFinding {
  /** How many events of the trace had been applied or refused when the bad thing showed (0: the initial state). */
  at: number;
  message: string;
}

/** The first bad state or step of `check` along `events`, or null. Events outside the check's alphabet are skipped. */
export function evaluateTrace(
  topology: Topology,
  check: Check,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  switch (check.kind) {
    case 'search':
      return searchTrace(topology, check, events, model);
    case 'differential':
      return differentialTrace(check, events, model);
    case 'recovery':
      return recoveryTrace(topology, events, model);
  }
}

function searchTrace(
  topology: Topology,
  check: Extract<Check, { kind: 'search' }>,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  let world = initialWorld(topology, model);
  let state = observe(world);
  const initial = check.state?.(state);
  if (initial) return { at: 0, message: initial };
  for (const [i, event] of events.entries()) {
    if (!inAlphabet(check.alphabet, event)) continue;
    const result = step(world, event);
    if (result.outcome === 'refused') continue;
    const after = observe(result.world);
    const bad = check.step?.(state, event, after) ?? check.state?.(after);
    if (bad) return { at: i + 1, message: bad };
    world = result.world;
    state = after;
  }
  return null;
}

function differentialTrace(
  check: Extract<Check, { kind: 'differential' }>,
  events: readonly KpmEvent[],
  model?: Model,
): TraceFinding | null {
  let left = initialWorld(check.left, model);
  let right = initialWorld(check.right, model);
  const initial = check.compare(observe(left), observe(right));
  if (initial) return { at: 0, message: initial };
  for (const [i, event] of events.entries()) {
    if (!inAlphabet(check.alphabet, event)) continue;
    left = step(left, event).world;
    if (!check.skipRight(event)) right = step(right, event).world;
    const bad = check.compare(observe(left), observe(right));
    if (bad) return { at: i + 1, message: bad };
  }
  return null;
}

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
