/**
 * `kpm check` on sites of any size: each property decided on the projection of the site onto the
 * shared services and the hosts it speaks of, and hosts of one configuration explored once.
 *
 * Why it is exact. A site's state is the services' state and one block per host (the components
 * the host owns, models/components.ts). If every step splits into messages that each reach the
 * services and at most one host, that no message but a service event's decision changes the
 * services, that such a decision reads no host, and that the automatic effects after another
 * host's event leave a host as it was, then a host's block changes only through its own events and
 * the service events, as a function of the services and itself. The states of the whole site,
 * projected onto (services, block of h), are then exactly the states of the site of the services
 * and h alone; and a shortest trace to a bad (services, block of h) never needs another host's
 * event, since dropping one leaves a shorter trace to the same projection. So each property that
 * speaks of h (of its VMs, or of every host in turn) has on the part the verdict it has on the
 * whole, with a shortest trace of the same length.
 *
 * Why it is derived, not assumed. Those conditions are what src/explore/coupling.ts watches while
 * each part is explored (every step, message by message: what it reaches and reads, what it
 * changes), with the tables' own checks (src/explore/tables.ts). Events that name components of
 * two hosts, and property plans that name two hosts (`Plan.hosts`), couple them too. Coupled hosts
 * form one unit, explored as the product of its hosts; when every host is coupled, that is the
 * full product. Hosts that one only asks of the others (a static read: under `keyScope: 'cluster'`
 * a booting host asks every VM of the site for its key, and each answers from its configuration)
 * are coupled less: explored in one part, each still its own block of the tables, which check that
 * every answer is the same in every state its host reaches (src/explore/static-reads.ts).
 *
 * Hosts of one configuration (the same inputs for every component once names are set aside,
 * units.ts) are explored once; their verdicts and traces are the representative's, renamed, and
 * each renamed counterexample is replayed on its own host's part to confirm that it shows there.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { plans as plansOf } from '../catalogue/catalogue.ts';
import { evaluateTrace } from '../catalogue/evaluate.ts';
import type { Check, Plan } from '../catalogue/plan.ts';
import { CouplingError, CouplingRecorder, UnexplorableModel, type Coupling } from '../explore/coupling.ts';
import { ownersOf } from '../explore/groups.ts';
import { eventInstances } from '../explore/instances.ts';
import { formatEvent } from '../events.ts';
import { layoutOf } from '../world/layout.ts';
import { recordFootprints, routeOf } from '../world/world.ts';
import type { Payload, Send } from '../../models/messages.ts';
import type { ExploreProgress } from './graph.ts';
import { checkProduct, notApplicable, resultBase, resultOf, type ProductCheck } from './product.ts';
import type { CouplingFound, Exploration, OperatorAnswer, PropertyResult } from './report.ts';
import { classKey, renameEvent, renameSubject, renaming, restrict, Units, type Renaming } from './units.ts';

export interface ComposeOptions {
  maxStates: number;
  maxDepth: number;
  model: Model;
  /** Explore the product of every host, whatever couples them or not. */
  full: boolean;
  onProgress?: (progress: ExploreProgress) => void;
}

/** A class of units explored once, on its representative. */
export interface Part {
  /** The representative unit's hosts. */
  hosts: string[];
  /** Every unit of the class, the representative first. */
  members: string[][];
  topology: Topology;
  check: ProductCheck;
  /** `id subject` → index among the part's plans. */
  index: Map<string, number>;
}

export interface Decomposition {
  method: 'compositional' | 'full product';
  parts: Part[];
  couplings: CouplingFound[];
}

const planKey = (id: string, subject: string | null) => `${id} ${subject ?? ''}`;

/** Cuts the site into parts and explores each class once, merging the units that turn out coupled. */
export function decompose(topology: Topology, options: ComposeOptions): Decomposition {
  // Hosts explored in one part (`units`), and, finer, as one block of the tables (`blocks`).
  const units = new Units(topology);
  const blocks = new Units(topology);
  const couplings: CouplingFound[] = [];
  const couple = (c: Coupling): boolean => {
    const level = c.level ?? 'block';
    const merge = (u: Units) => (c.hosts === 'every host' ? u.mergeAll() : u.merge(c.hosts));
    const merged = [merge(units), level === 'block' && merge(blocks)].some(Boolean);
    if (merged)
      couplings.push({
        hosts: c.hosts === 'every host' ? 'every host' : [...c.hosts],
        level,
        reason: c.reason,
      });
    return merged;
  };
  for (const c of staticCouplings(topology, plansOf(topology))) couple(c);
  // The parts first, even for the full product: a part is where a step that acts on another host
  // shows (the host is not there), so the units of coupled hosts come out of exploring the parts.
  const explored = new Map<string, ProductCheck>();
  let parts: Part[] | null = null;
  while (parts === null && units.size > 1) {
    try {
      parts = exploreParts(topology, units, blocks, options, explored);
    } catch (error) {
      if (!(error instanceof CouplingError) || !couple(error.coupling)) throw error;
    }
  }
  // The site routes each event to the whole site as it does to its parts (below): else every host.
  if (parts !== null) {
    const routing = routingCoupling(topology, units, parts, options.model);
    if (routing !== null && couple(routing)) parts = null;
  }
  if (parts !== null && !options.full) return { method: 'compositional', parts, couplings };
  // The product of every host, each unit of coupled hosts one block of the tables.
  const all = topology.hosts.map((h) => h.id);
  for (;;) {
    try {
      const check = explore(topology, all, units, blocks, options);
      return { method: 'full product', parts: [partOf(all, [all], check)], couplings };
    } catch (error) {
      if (!(error instanceof CouplingError)) throw error;
      if (!couple(error.coupling)) throw new UnexplorableModel(error.coupling);
    }
  }
}

/** One exploration per class of units, on its first unit (kept in `explored` across attempts). */
function exploreParts(
  topology: Topology,
  units: Units,
  blocks: Units,
  options: ComposeOptions,
  explored: Map<string, ProductCheck>,
): Part[] {
  return classesOf(topology, units).map(({ hosts, members }) => {
    const id = `${hosts.join(' ')} / ${blocks
      .list()
      .filter((b) => hosts.includes(b[0]))
      .join(' / ')}`;
    let check = explored.get(id);
    if (!check) {
      check = explore(topology, hosts, units, blocks, options);
      explored.set(id, check);
    }
    return partOf(hosts, members, check);
  });
}

/** A class of units of one configuration: its representative's hosts and topology, its members. */
type UnitClass = Pick<Part, 'hosts' | 'members' | 'topology'>;

function classesOf(topology: Topology, units: Units): UnitClass[] {
  const classes = new Map<string, string[][]>();
  for (const unit of units.list()) {
    const key = classKey(topology, unit);
    const members = classes.get(key);
    if (members) members.push(unit);
    else classes.set(key, [unit]);
  }
  return [...classes.values()].map((members) => ({
    hosts: members[0],
    members,
    topology: restrict(topology, members[0]),
  }));
}

/**
 * The parts see the site's routing (models/site.ts) as their own site machine gives it, for their
 * hosts only. For the first event of each type (and the start), the messages the whole site sends
 * are sorted by the unit whose hosts they name (or none: the site's own), and each unit's must be
 * exactly what a part sends for it: the event's own unit, its own part's (the event routed there);
 * any other unit, its class's part's when the event belongs to a host it does not have (renamed
 * onto the unit). A site machine that sent one host's event on to another host, or whose automatic
 * effects depended on the set of hosts, would differ here; so would a message naming two units.
 */
function routingCoupling(
  topology: Topology,
  units: Units,
  parts: readonly UnitClass[],
  model: Model,
): Coupling | null {
  const layout = layoutOf(topology);
  const unitOfHost = new Map<string, number>();
  const unitList = units.list();
  unitList.forEach((unit, u) => unit.forEach((h) => unitOfHost.set(h, u)));
  const firstOfType = new Map<string, KpmEvent>();
  for (const event of eventInstances(topology)) {
    if (!firstOfType.has(event.type)) firstOfType.set(event.type, event);
  }
  const events: Payload[] = [{ type: 'START' }, ...firstOfType.values()];
  const SITE = -1;
  /** The unit a message names (SITE: none), or null when it names two. */
  const unitOf = (message: unknown): number | null => {
    const found = new Set<number>();
    const visit = (value: unknown): void => {
      if (typeof value === 'string') {
        const owner = layout.instance('host', value)?.owner ?? layout.instance('vm', value)?.owner;
        if (owner) found.add(unitOfHost.get(owner) as number);
      } else if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
    };
    visit(message);
    return found.size === 0 ? SITE : found.size === 1 ? [...found][0] : null;
  };
  const differ = (event: Payload, why: string): Coupling => ({
    hosts: 'every host',
    reason: `the site routes ${event.type === 'START' ? 'the start of the site' : formatEvent(event as KpmEvent)} to the whole site otherwise than to its parts: ${why} (models/site.ts)`,
  });
  for (const event of events) {
    const isStart = event.type === 'START';
    const effects = (route: Send[]) => (isStart ? route : route.slice(1));
    const owners = isStart ? [] : ownersOf(layout, event as KpmEvent);
    const ownUnit = owners.length > 0 ? (unitOfHost.get(owners[0]) as number) : null;
    // What the whole site sends, by unit.
    const whole = new Map<number, string[]>();
    for (const m of effects(routeOf(topology, event, model))) {
      const u = unitOf(m);
      if (u === null) return differ(event, `${JSON.stringify(m)} names hosts of two units`);
      const list = whole.get(u);
      if (list) list.push(JSON.stringify(m));
      else whole.set(u, [JSON.stringify(m)]);
    }
    // What the parts send, by unit: the event's own unit's part with the event, the others' with
    // the event moved to a host they do not have.
    const expected = new Map<number, string[]>();
    const add = (u: number, messages: unknown[]) => {
      const list = expected.get(u) ?? [];
      for (const m of messages) list.push(JSON.stringify(m));
      expected.set(u, list);
    };
    if (ownUnit !== null) {
      for (const m of effects(routeOf(restrict(topology, unitList[ownUnit]), event, model))) {
        const u = unitOf(m);
        if (u !== ownUnit && u !== SITE) return differ(event, `its own part sends ${JSON.stringify(m)}`);
        add(u, [m]);
      }
    }
    const elsewhere = isStart ? event : elsewhereOf(event as KpmEvent);
    for (const part of parts) {
      const rep = unitOfHost.get(part.hosts[0]) as number;
      const route = effects(routeOf(part.topology, elsewhere, model));
      const own = route.filter((m) => unitOf(m) === rep);
      for (const unit of part.members) {
        const u = unitOfHost.get(unit[0]) as number;
        if (u !== ownUnit) add(u, renamedMessages(topology, own, part.hosts, unit));
      }
      // The site's own messages (naming no host) come once: from the event's unit, or else here.
      if (ownUnit === null && part === parts[0]) {
        add(
          SITE,
          route.filter((m) => unitOf(m) === SITE),
        );
      }
    }
    for (const key of new Set([...whole.keys(), ...expected.keys()])) {
      const a = (whole.get(key) ?? []).sort();
      const b = (expected.get(key) ?? []).sort();
      if (a.length !== b.length || a.some((m, i) => m !== b[i])) {
        const who = key === SITE ? 'the site itself' : unitList[key].join(' + ');
        return differ(event, `for ${who}, ${a.length} messages against ${b.length} from the parts`);
      }
    }
  }
  return null;
}

/** The event with its hosts and VMs replaced by ids no part has: "another host's event". */
function elsewhereOf(event: KpmEvent): KpmEvent {
  if ('host' in event) return { ...event, host: '\u0000elsewhere' };
  if ('vm' in event) return { ...event, vm: '\u0000elsewhere' };
  return event;
}

/** Messages with every id of one unit's hosts and VMs replaced by its counterpart in another. */
function renamedMessages(topology: Topology, messages: Send[], from: string[], to: string[]): unknown[] {
  if (from.join() === to.join()) return messages;
  const r = renaming(topology, from, to);
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string') return r.hosts.get(value) ?? r.vms.get(value) ?? value;
    if (Array.isArray(value)) return value.map(rename);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
    }
    return value;
  };
  return messages.map(rename);
}

function partOf(hosts: string[], members: string[][], check: ProductCheck): Part {
  const index = new Map(check.plans.map((p, i) => [planKey(p.id, p.subject), i]));
  return { hosts, members, topology: check.topology, check, index };
}

/**
 * What couples hosts before anything runs: an event that names components of two hosts (the
 * registry gives each component its owner), a property plan that speaks of two hosts.
 */
export function staticCouplings(topology: Topology, plans: readonly Plan[]): Coupling[] {
  const layout = layoutOf(topology);
  const found: Coupling[] = [];
  for (const event of eventInstances(topology)) {
    const owners = ownersOf(layout, event);
    if (owners.length > 1)
      found.push({ hosts: owners, reason: `${formatEvent(event)} names components of each` });
  }
  for (const plan of plans) {
    if (plan.hosts !== null && plan.hosts.length > 1) {
      found.push({ hosts: plan.hosts, reason: `${plan.id} ${plan.subject ?? ''} speaks of each` });
    }
  }
  return found;
}

/**
 * The exploration of the part of `hosts` with the shared services (all of them: the full product),
 * each block of coupled hosts one block of the tables, watched for anything that couples parts or
 * blocks.
 */
function explore(
  topology: Topology,
  hosts: string[],
  units: Units,
  blocks: Units,
  options: ComposeOptions,
): ProductCheck {
  const part = restrict(topology, hosts);
  const tableBlocks = blocks.list().filter((b) => hosts.includes(b[0]));
  const product = () =>
    checkProduct(part, {
      units: tableBlocks,
      partOfSite: hosts.length < topology.hosts.length,
      maxStates: options.maxStates,
      maxDepth: options.maxDepth,
      model: options.model,
      onProgress: options.onProgress,
      // AV-04 and AV-07 host by host (each on the services and one host) where hosts are independent.
      differentialByHost: tableBlocks.length > 1 && tableBlocks.every((b) => b.length === 1),
    });
  if (blocks.size === 1) return product();
  const recorder = new CouplingRecorder(layoutOf(topology), hosts, (coupling) => {
    if ((coupling.level === 'part' ? units : blocks).apart(coupling.hosts)) throw new CouplingError(coupling);
  });
  return recordFootprints(recorder, () => {
    const check = product();
    recorder.flush();
    return check;
  });
}

/** Where each host's unit is: its part and its place among the part's members. */
interface Placement {
  part: number;
  member: number;
}

/**
 * The site's verdicts, in the catalogue's order, from its parts' verdicts: a plan of a subject from
 * its unit's class, renamed; a plan of every host from every part.
 */
export function assemble(
  topology: Topology,
  d: Decomposition,
  model: Model | undefined,
): { properties: PropertyResult[]; operator: OperatorAnswer[]; explorations: Exploration[] } {
  const placement = new Map<string, Placement>();
  d.parts.forEach((part, p) =>
    part.members.forEach((unit, m) => unit.forEach((h) => placement.set(h, { part: p, member: m }))),
  );
  const renamings = new Map<string, { toRep: Renaming; fromRep: Renaming }>();
  const renamingsOf = (p: number, m: number) => {
    const key = `${p} ${m}`;
    let r = renamings.get(key);
    if (!r) {
      const part = d.parts[p];
      const unit = part.members[m];
      r = {
        toRep: renaming(topology, unit, part.hosts),
        fromRep: renaming(topology, part.hosts, unit),
      };
      // Kept for the next plan of the same unit only: a site of many hosts holds one at a time.
      renamings.clear();
      renamings.set(key, r);
    }
    return r;
  };
  const properties = plansOf(topology).map((plan) => {
    if (plan.hosts === null) return everyHost(plan, d);
    const at = placement.get(plan.hosts[0]) as Placement;
    const part = d.parts[at.part];
    const unit = part.members[at.member];
    if (plan.hosts.some((h) => !unit.includes(h))) {
      throw new Error(`${plan.id} ${plan.subject}: its hosts were explored apart`);
    }
    const r = renamingsOf(at.part, at.member);
    const subject = renameSubject(plan.subject, r.toRep);
    const i = part.index.get(planKey(plan.id, subject));
    const own = i === undefined ? undefined : part.check.results[i];
    const repPlan = i === undefined ? undefined : part.check.plans[i];
    if (own === undefined || repPlan === undefined || !samePlan(plan, repPlan)) {
      throw new Error(
        `${plan.id} ${plan.subject} has no equal plan (${subject}) on the hosts of its class: ` +
          'its expectation depends on more than its hosts',
      );
    }
    const decidedOn = { explorations: [at.part], hosts: unit };
    if (at.member === 0) return { ...own, decidedOn };
    return memberResult(topology, plan, own, r.fromRep, unit, model, decidedOn);
  });
  const operator = topology.vms.flatMap((vm): OperatorAnswer[] => {
    const at = placement.get(vm.host) as Placement;
    const part = d.parts[at.part];
    const r = renamingsOf(at.part, at.member);
    const rep = r.toRep.vms.get(vm.id) ?? vm.id;
    const answer = part.check.operator.find((a) => a.vm === rep);
    if (!answer) return [];
    return [{ ...answer, vm: vm.id, trace: answer.trace?.map((e) => renameEvent(e, r.fromRep)) ?? null }];
  });
  const explorations = d.parts.map((part): Exploration => {
    const [all, ...others] = part.check.graphs;
    return {
      hosts: part.hosts,
      decides: part.members.flat(),
      states: all.states,
      transitions: all.transitions,
      depth: all.depth,
      complete: all.complete,
      alphabets: [all, ...others],
    };
  });
  return { properties: unprovenWhileBounded(properties, d), operator, explorations };
}

function samePlan(a: Plan, b: Plan): boolean {
  return (
    a.expected === b.expected &&
    a.minimalLength === b.minimalLength &&
    a.alphabet === b.alphabet &&
    (a.check === null) === (b.check === null) &&
    a.check?.kind === b.check?.kind
  );
}

/**
 * A member's verdict from its class representative's: the trace renamed, replayed on the member's
 * own part to give its own finding (and to confirm that it shows there, at the same step).
 */
function memberResult(
  topology: Topology,
  plan: Plan,
  rep: PropertyResult,
  fromRep: Renaming,
  unit: string[],
  model: Model | undefined,
  decidedOn: PropertyResult['decidedOn'],
): PropertyResult {
  const base = {
    id: plan.id,
    subject: plan.subject,
    statement: rep.statement,
    expected: plan.expected,
  };
  if (rep.trace === null || plan.check === null) return { ...rep, ...base, decidedOn };
  const trace = rep.trace.map((e) => renameEvent(e, fromRep));
  const part = restrict(topology, unit);
  const check = restrictCheck(plan.check, unit);
  const finding = evaluateTrace(part, { alphabet: plan.alphabet, check }, trace, model);
  if (finding === null || finding.at !== trace.length) {
    throw new Error(
      `${plan.id} ${plan.subject}: the trace of its class (${trace.map(formatEvent).join(', ')}) ` +
        `does not show it at its last step: hosts of one class behave differently`,
    );
  }
  const result = resultOf(
    base,
    plan,
    { found: { trace, message: finding.message }, complete: true, states: rep.states },
    rep.method,
  );
  const random = rep.evidence.indexOf('; found by random runs');
  return {
    ...result,
    asExpected: result.asExpected,
    evidence: random < 0 ? result.evidence : result.evidence + rep.evidence.slice(random),
    decidedOn,
  };
}

/** A differential check's two sites cut down to the unit, as the part's own plan has them. */
function restrictCheck(check: Check, unit: string[]): Check {
  if (check.kind !== 'differential') return check;
  return { ...check, left: restrict(check.left, unit), right: restrict(check.right, unit) };
}

/**
 * That the hosts are independent is derived from the steps the explorations take: a bounded part
 * leaves it unproven (a step past the bound could couple its hosts to the others'). Its own
 * verdicts are bounded already; a `holds` decided on another part is then bounded too. (A
 * counterexample stands: it was replayed on its own host's part.)
 */
function unprovenWhileBounded(results: PropertyResult[], d: Decomposition): PropertyResult[] {
  const bounded = d.parts
    .filter((part) => part.check.graphs.some((g) => !g.complete))
    .map((part) => part.hosts.join(' + '));
  if (d.method === 'full product' || bounded.length === 0) return results;
  return results.map((r) =>
    r.result !== 'holds'
      ? r
      : {
          ...r,
          result: 'bounded',
          asExpected: false,
          evidence: `${r.evidence} on its part; bounded, since the exploration of ${bounded.join(', ')} was: that the hosts are independent is not established past its bound`,
        },
  );
}

/**
 * A plan of every host in turn: it holds when it holds on every part, and its shortest
 * counterexample is the shortest of the parts' (the first part's, of equal lengths).
 */
function everyHost(plan: Plan, d: Decomposition): PropertyResult {
  const own = d.parts.map((part, p) => {
    const i = part.index.get(planKey(plan.id, null));
    return { p, result: i === undefined ? undefined : part.check.results[i] };
  });
  const base = resultBase(plan);
  const applicable = own.filter((o) => o.result !== undefined && o.result.result !== 'not-applicable');
  if (plan.check === null) {
    if (applicable.length > 0) {
      throw new Error(
        `${plan.id} applies to a part of the site but not to the site: it speaks of more than hosts`,
      );
    }
    return { ...notApplicable(plan), decidedOn: { explorations: [], hosts: [] } };
  }
  if (applicable.length === 0) {
    throw new Error(`${plan.id} applies to the site but to none of its parts: it speaks of more than hosts`);
  }
  const states = applicable.reduce((sum, o) => sum + (o.result as PropertyResult).states, 0);
  const complete = applicable.every((o) => (o.result as PropertyResult).result !== 'bounded');
  const explorations = applicable.map((o) => o.p);
  let shortest: { p: number; result: PropertyResult } | null = null;
  for (const o of applicable) {
    const r = o.result as PropertyResult;
    if (r.trace === null) continue;
    if (shortest === null || r.trace.length < (shortest.result.trace as KpmEvent[]).length) {
      shortest = { p: o.p, result: r };
    }
  }
  if (shortest !== null) {
    return { ...shortest.result, ...base, decidedOn: { explorations, hosts: d.parts[shortest.p].hosts } };
  }
  const methods = applicable.map((o) => (o.result as PropertyResult).method);
  const result = resultOf(base, plan, { found: null, complete, states });
  const randomNotes = applicable
    .map((o) => (o.result as PropertyResult).evidence)
    .flatMap((e) => (e.includes('; ') ? [e.slice(e.indexOf('; '))] : []));
  return {
    ...result,
    evidence:
      result.evidence +
      (randomNotes.length === 1
        ? randomNotes[0]
        : randomNotes.length > 1
          ? `; random runs on ${randomNotes.length} parts found nothing`
          : ''),
    method: methods.includes('random') ? 'random' : result.method,
    decidedOn: { explorations, hosts: [] },
  };
}
