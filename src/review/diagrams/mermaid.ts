/**
 * Mermaid sources: each statechart as a `stateDiagram-v2` (the same states, transitions, guards,
 * actions and rule IDs as its Graphviz drawing), and the escaping of labels for Mermaid's grammar.
 *
 * Labels are free text in the machines' names (`KEY_CHECK [autoUnlock && keyUsable] / obtainKey`),
 * and Mermaid's grammars give many characters a meaning (`;` ends a statement, `:` starts a label,
 * `#` an entity, `%%` a comment, brackets and braces shapes...). Every character outside a small
 * safe set is written as a Mermaid entity code (`#91;` for `[`), which Mermaid turns back into
 * the character when it draws the diagram.
 */
import type { TransitionInfo } from '../../statecharts/inventory.ts';
import { transitionLabel, type Chart, type ChartState } from './chart.ts';

/** Characters left as they are in a Mermaid label: letters, digits, some punctuation, and beyond ASCII. */
const SAFE = /[A-Za-z0-9 _.,'/+=*?()\u00a0-\uffff-]/u;

export function mermaidText(text: string): string {
  return [...text.replace(/\s+/g, ' ').replace(/->/g, '\u2192')]
    .map((c) => (SAFE.test(c) ? c : `#${c.codePointAt(0)};`))
    .join('')
    .trim();
}

const withRules = (label: string, rules: readonly string[]) =>
  rules.length === 0 ? label : `${label} (${rules.join(', ')})`;

export function chartMermaid(chart: Chart): string {
  const ids = new Map<string, string>();
  let next = 0;
  const idOf = (stateId: string) => {
    let id = ids.get(stateId);
    if (id === undefined) ids.set(stateId, (id = `s${next++}`));
    return id;
  };
  const lines = ['stateDiagram-v2', '  direction LR'];
  const transient: string[] = [];
  const selfLoop = (t: TransitionInfo, s: ChartState) =>
    s.type === 'atomic' && t.targets.length > 0 && t.targets.every((x) => x === s.id);

  const declare = (s: ChartState, pad: string) => {
    if (s.root) {
      if (s.initial !== null) lines.push(`${pad}[*] --> ${idOf(s.initial)}`);
      if (s.internal.length > 0) anywhere(s, pad, `in every state of ${s.key}`);
      if (s.type === 'parallel') {
        // A parallel root: its regions side by side, in one composite state named after the machine.
        lines.push(`${pad}state "${mermaidText(`${s.key} (parallel)`)}" as ${idOf(s.id)} {`);
        regions(s, `${pad}  `);
        lines.push(`${pad}}`);
      } else {
        for (const child of s.children) declare(child, pad);
      }
      return;
    }
    const id = idOf(s.id);
    if (s.type === 'compound' || s.type === 'parallel') {
      lines.push(`${pad}state "${mermaidText(withRules(s.key, s.rules))}" as ${id} {`);
      if (s.type === 'parallel') {
        regions(s, `${pad}  `);
      } else {
        if (s.initial !== null) lines.push(`${pad}  [*] --> ${idOf(s.initial)}`);
        if (s.internal.length > 0) anywhere(s, `${pad}  `, `in every state of ${s.key}`);
        for (const child of s.children) declare(child, `${pad}  `);
      }
      lines.push(`${pad}}`);
      return;
    }
    lines.push(`${pad}state "${mermaidText(s.transient ? `${s.key} (transient)` : s.key)}" as ${id}`);
    if (s.rules.length > 0) lines.push(`${pad}${id} : ${mermaidText(`rules ${s.rules.join(', ')}`)}`);
    for (const action of s.entry) lines.push(`${pad}${id} : ${mermaidText(`entry / ${action}`)}`);
    for (const t of s.internal)
      lines.push(`${pad}${id} : ${mermaidText(withRules(transitionLabel(t), t.rules))}`);
    for (const t of chart.transitions.filter((x) => x.source === s.id && selfLoop(x, s)))
      lines.push(`${pad}${id} : ${mermaidText(withRules(`\u21ba ${transitionLabel(t)}`, t.rules))}`);
    if (s.transient) transient.push(id);
  };

  /** The regions of a parallel state, separated by Mermaid's `--`. */
  const regions = (s: ChartState, pad: string) => {
    s.children.forEach((region, i) => {
      if (i > 0) lines.push(`${pad}--`);
      declare(region, pad);
    });
  };

  /** A state's internal transitions, which hold in every one of its states: a box of their own. */
  const anywhere = (s: ChartState, pad: string, title: string) => {
    const id = idOf(`${s.id}#internal`);
    lines.push(`${pad}state "${mermaidText(title)}" as ${id}`);
    for (const t of s.internal)
      lines.push(`${pad}${id} : ${mermaidText(withRules(transitionLabel(t), t.rules))}`);
  };

  const byId = new Map<string, ChartState>();
  const index = (s: ChartState) => {
    byId.set(s.id, s);
    s.children.forEach(index);
  };
  index(chart.root);
  declare(chart.root, '  ');
  for (const t of chart.transitions) {
    const source = byId.get(t.source) as ChartState;
    if (selfLoop(t, source)) continue;
    const label = [
      t.guard === null ? t.event : `${t.event} [${t.guard}]`,
      ...(t.actions.length > 0 ? [`/ ${t.actions.join(', ')}`] : []),
    ].join(' ');
    for (const target of t.targets)
      lines.push(`  ${idOf(t.source)} --> ${idOf(target)} : ${mermaidText(withRules(label, t.rules))}`);
  }
  if (transient.length > 0) {
    lines.push('  classDef transient stroke-dasharray: 5 5');
    lines.push(`  class ${transient.join(',')} transient`);
  }
  return lines.join('\n');
}
