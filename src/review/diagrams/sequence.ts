/**
 * A trace as a Mermaid `sequenceDiagram`: lifelines for the operator, vCenter, each key server,
 * each host and each VM; each event an arrow from the operator to what it names (a cross for a
 * refused one); each change a note over what changed, with the rules that explain it.
 */
import { targetsOf } from '../../../models/events.ts';
import type { Topology } from '../../../models/topology.ts';
import { formatEvent } from '../../events.ts';
import { formatChange, type Change } from '../../report/diff.ts';
import type { ExplainedTrace } from '../explain.ts';
import { mermaidText } from './mermaid.ts';

interface Participant {
  alias: string;
  label: string;
}

/** The lifelines of a site, in the order of the issue: operator, vCenter, key servers, hosts, VMs. */
export function participants(topology: Topology): Map<string, Participant> {
  const out = new Map<string, Participant>();
  const add = (key: string, label: string) => out.set(key, { alias: `p${out.size}`, label });
  add('operator', 'Operator');
  add('vcenter', 'vCenter');
  for (const p of topology.providers)
    if (p.kind !== 'native')
      add(`provider:${p.id}`, `${p.id} (${p.kind === 'trusted' ? 'Trust Authority' : 'KMS'})`);
  for (const h of topology.hosts) add(`host:${h.id}`, h.id);
  for (const vm of topology.vms) add(`vm:${vm.id}`, `VM ${vm.id}`);
  return out;
}

/** The lifeline a change belongs to. */
export function lifelineOf(change: Change): string {
  switch (change.kind) {
    case 'vcenter':
      return 'vcenter';
    case 'provider':
      return `provider:${change.provider}`;
    case 'vm':
      return `vm:${change.vm}`;
    default:
      return `host:${change.host}`;
  }
}

/** The lifeline an event is addressed to: what it names, or vCenter. */
export function targetOf(event: Parameters<typeof targetsOf>[0]): string {
  const [first] = targetsOf(event);
  if (first === undefined) return 'vcenter';
  const [kind, id] = first;
  return `${kind}:${id}`;
}

export function sequenceMermaid(topology: Topology, trace: ExplainedTrace): string {
  const lanes = participants(topology);
  const lane = (key: string) => lanes.get(key)?.alias ?? 'p0';
  const lines = ['sequenceDiagram'];
  for (const p of lanes.values()) lines.push(`  participant ${p.alias} as ${mermaidText(p.label)}`);
  for (const s of trace.steps) {
    const to = lanes.has(targetOf(s.event)) ? lane(targetOf(s.event)) : lane('operator');
    const words = `${s.index}. ${formatEvent(s.event)}`;
    if (s.outcome === 'refused') {
      lines.push(`  ${lane('operator')}-x${to}: ${mermaidText(`${words} (refused)`)}`);
      lines.push(`  Note over ${to}: ${mermaidText(`refused: ${s.reason ?? ''}`)}`);
      continue;
    }
    lines.push(`  ${lane('operator')}->>${to}: ${mermaidText(words)}`);
    if (s.changes.length === 0) lines.push(`  Note over ${to}: ${mermaidText('no visible change')}`);
    for (const c of s.changes) {
      const rules = c.rules.length === 0 ? '' : ` (${c.rules.join(', ')})`;
      lines.push(
        `  Note over ${lane(lifelineOf(c.change))}: ${mermaidText(`${formatChange(c.change)}${rules}`)}`,
      );
    }
  }
  return lines.join('\n');
}
