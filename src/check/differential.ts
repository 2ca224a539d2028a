/**
 * AV-04 and AV-07 on the explored graph: the two runs of one trace (with and without the events
 * that must not matter, or on two variants of the site) explored together, breadth-first, as pairs
 * of states. The first pair that disagrees gives the shortest differential counterexample.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import { inAlphabet, type AlphabetName } from '../catalogue/alphabets.ts';
import type { Check } from '../catalogue/plan.ts';
import { eventInstances } from '../explore/instances.ts';
import { observe, stateKey } from '../world/observe.ts';
import { initialWorld, step, type World } from '../world/world.ts';

export interface DifferentialResult {
  complete: boolean;
  pairs: number;
  /** The shortest trace on which the two runs disagree, and how; null when none was found. */
  counterexample: { trace: KpmEvent[]; message: string } | null;
}

interface Node {
  left: World;
  right: World;
  parent: number;
  event: KpmEvent | null;
}

/**
 * `focus` narrows the events further: a host's state changes only through the shared services and
 * its own events, so a property about one host's VMs is decided exactly, and far faster, on the
 * events of the services and of that host alone (other hosts then stay as they start).
 */
export function exploreDifferential(
  alphabet: AlphabetName,
  check: Extract<Check, { kind: 'differential' }>,
  limits: { maxStates: number },
  model?: Model,
  focus: (event: KpmEvent) => boolean = () => true,
): DifferentialResult {
  const events = eventInstances(check.left).filter((e) => inAlphabet(alphabet, e) && focus(e));
  const nodes: Node[] = [
    {
      left: initialWorld(check.left, model),
      right: initialWorld(check.right, model),
      parent: -1,
      event: null,
    },
  ];
  const seen = new Set([pairKey(nodes[0])]);
  const initialBad = check.compare(observe(nodes[0].left), observe(nodes[0].right));
  if (initialBad) return { complete: true, pairs: 1, counterexample: { trace: [], message: initialBad } };
  for (let i = 0; i < nodes.length; i++) {
    for (const event of events) {
      const left = step(nodes[i].left, event).world;
      const right = check.skipRight(event) ? nodes[i].right : step(nodes[i].right, event).world;
      const node = { left, right, parent: i, event };
      const key = pairKey(node);
      if (seen.has(key)) continue;
      const bad = check.compare(observe(left), observe(right));
      if (bad)
        return {
          complete: true,
          pairs: nodes.length,
          counterexample: { trace: traceOf(nodes, node), message: bad },
        };
      if (nodes.length >= limits.maxStates)
        return { complete: false, pairs: nodes.length, counterexample: null };
      seen.add(key);
      nodes.push(node);
    }
  }
  return { complete: true, pairs: nodes.length, counterexample: null };
}

function pairKey(node: Node): string {
  return `${stateKey(node.left)}|${stateKey(node.right)}`;
}

function traceOf(nodes: Node[], last: Node): KpmEvent[] {
  const trace: KpmEvent[] = [];
  for (let n: Node | undefined = last; n && n.event; n = nodes[n.parent]) trace.push(n.event);
  return trace.reverse();
}
