/**
 * The statecharts as data: the rule IDs on their states and transitions are rules of the spec, their
 * transitions have unique names, models/ stands alone, and the world's fast transition is XState's
 * own `transition()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { COMPONENT_KINDS } from '../models/components.ts';
import { productionModel } from '../models/index.ts';
import { loadEvents } from '../src/events-file.ts';
import { eventInstances } from '../src/explore/instances.ts';
import { inventory } from '../src/statecharts/inventory.ts';
import { loadTopology } from '../src/topology/load.ts';
import { initialWorld, step, traceTransitions, type TransitionRecord } from '../src/world/world.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const spec = readFileSync(root('spec/key-persistence.md'), 'utf8');
const RULES = new Set([...spec.matchAll(/^\| ((?:KP|DOC|ASM)-\d\d) \|/gm)].map((m) => m[1]));
const machines = COMPONENT_KINDS.map((kind) => [kind, productionModel[kind] as AnyStateMachine] as const);

describe('rule IDs on the statecharts', () => {
  test.each(machines)(
    '%s: every rule on a state or a transition is a KP, DOC or ASM rule of the spec',
    (_, machine) => {
      const { states, transitions } = inventory(machine);
      const tags = [...states.flatMap((s) => s.rules), ...transitions.flatMap((t) => t.rules)];
      expect(tags.filter((id) => !RULES.has(id))).toEqual([]);
    },
  );

  test.each(machines)('%s: transition names are unique', (_, machine) => {
    const ids = inventory(machine).transitions.map((t) => t.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  test('the statecharts carry most rules of the spec', () => {
    const carried = new Set(
      machines.flatMap(([, m]) => [
        ...inventory(m).states.flatMap((s) => s.rules),
        ...inventory(m).transitions.flatMap((t) => t.rules),
      ]),
    );
    // KP-15 and KP-16 are consequences (AV-07, AV-08 check them); DOC-08 is the topology rules' floors.
    expect([...RULES].filter((id) => !carried.has(id)).sort()).toEqual(['DOC-08', 'KP-15', 'KP-16']);
  });
});

test('models/ imports nothing from src/', () => {
  const dir = root('models');
  const imports = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`),
    );
  expect(imports.filter((line) => line.includes('/src/') || line.includes("'../"))).toEqual([]);
});

test('no release floor is decided in src/: every atLeast() compares with a floor of models/', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
    );
  const literal = files(root('src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/atLeast\([^)]*'[^']*'\)/g)].map((m) => `${file}: ${m[0]}`),
  );
  expect(literal).toEqual([]);
});

/**
 * Every component transition the world makes while the examples replay their stories and then
 * walk 300 events more (a fixed stride through the site's events, so every run is the same).
 */
function recordedTransitions(): TransitionRecord[] {
  const records: TransitionRecord[] = [];
  const previous = traceTransitions((r) => records.push(r));
  try {
    for (const file of readdirSync(root('examples')).filter((f) => f.endsWith('.events.yaml'))) {
      const topology = loadTopology(root(`examples/${file.replace('.events.yaml', '.yaml')}`));
      const letters = eventInstances(topology);
      const walk = Array.from({ length: 300 }, (_, i) => letters[(i * 7919) % letters.length]);
      let world = initialWorld(topology);
      for (const event of [...loadEvents(root(`examples/${file}`)), ...walk])
        world = step(world, event).world;
    }
  } finally {
    traceTransitions(previous);
  }
  return records;
}

test("the world's transitions are XState's transition(): same snapshot, same messages", () => {
  const records = recordedTransitions().filter((r) => r.event.type !== 'xstate.init' && r.sent !== undefined);
  expect(records.length).toBeGreaterThan(5000);
  for (const { machine, before, event, after, sent } of records) {
    if (before === after) continue; // a question (`can`), not a transition
    const [expected, actions] = transition(machine, before as AnyMachineSnapshot, event as EventObject);
    const messages = (actions as { type: string; params?: unknown }[])
      .filter((a) => a.type === 'xstate.emit')
      .map((a) => (a.params as { event: unknown }).event);
    expect({ value: after.value, context: after.context, sent }).toEqual({
      value: expected.value,
      context: expected.context,
      sent: messages,
    });
  }
});
