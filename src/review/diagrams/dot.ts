/**
 * A statechart as a Graphviz digraph (rendered to SVG by graphviz.ts): compound states as clusters
 * with their initial pseudo-state, parallel states as clusters of their regions (dashed),
 * transient states dashed, each state with its rule IDs and entry actions, internal transitions
 * (actions without a change of state) listed inside their state as UML does, and every transition
 * labelled `EVENT [guard] / actions` with its rule IDs under it. Every element gets an id prefixed
 * with the chart's, so that several SVGs can live in one page.
 */
import type { TransitionInfo } from '../../statecharts/inventory.ts';
import { transitionLabel, type Chart, type ChartState } from './chart.ts';

const FONT = 'Helvetica';
const RULE_COLOR = '#1a5fb4';
const FAINT = '#5f6368';

export function chartDot(chart: Chart, prefix: string): string {
  const b = new DotBuilder(chart, prefix);
  return b.build();
}

/** Text inside an HTML-like Graphviz label. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A quoted DOT string. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const rulesLine = (rules: readonly string[]) =>
  rules.length === 0 ? '' : `<FONT POINT-SIZE="9" COLOR="${RULE_COLOR}">${esc(rules.join(', '))}</FONT>`;

class DotBuilder {
  private readonly lines: string[] = [];
  private readonly nodeOf = new Map<string, string>();
  private readonly clusterOf = new Map<string, string>();
  private readonly byId = new Map<string, ChartState>();
  private counter = 0;
  /** The edges to initial states, drawn once every state has its node. */
  private readonly pending: (() => void)[] = [];

  constructor(
    private readonly chart: Chart,
    private readonly prefix: string,
  ) {}

  build(): string {
    const { chart, prefix } = this;
    const root = chart.root;
    const title =
      root.type === 'parallel'
        ? `${chart.machine}: parallel regions ${root.children.map((c) => c.key).join(' | ')}`
        : chart.machine;
    this.lines.push(
      `digraph ${q(chart.machine)} {`,
      `graph [id=${q(prefix)}, rankdir=${this.rankdir()}, compound=true, newrank=true, fontname=${q(FONT)}, fontsize=12, nodesep=0.25, ranksep=0.45, label=<<B>${esc(title)}</B>>, labelloc=t, labeljust=l];`,
      `node [shape=box, style="rounded", fontname=${q(FONT)}, fontsize=11, margin="0.08,0.04"];`,
      `edge [fontname=${q(FONT)}, fontsize=10, arrowsize=0.7];`,
    );
    this.declare(root, 1);
    for (const initialEdge of this.pending) initialEdge();
    for (const t of chart.transitions) if (!this.isSelfLoop(t)) this.edge(t);
    this.lines.push('}');
    return `${this.lines.join('\n')}\n`;
  }

  /** Left to right, except for a machine with many transitions between its states, which is taller than wide. */
  private rankdir(): string {
    return this.chart.transitions.length > 10 ? 'TB' : 'LR';
  }

  private id(kind: string): string {
    return `${this.prefix}-${kind}${this.counter++}`;
  }

  /** A state and everything inside it. The root's children are drawn at the top level. */
  private declare(s: ChartState, depth: number): void {
    this.byId.set(s.id, s);
    const pad = '  '.repeat(depth);
    if (s.root) {
      this.entryOf(s, pad);
      if (s.internal.length > 0) this.internalBox(s, `in every state of ${s.key}`, pad);
      for (const child of s.children) this.declare(child, depth);
      return;
    }
    if (s.type === 'compound' || s.type === 'parallel') {
      const name = `cluster_${this.counter}`;
      this.clusterOf.set(s.id, name);
      const label = [
        `<B>${esc(s.key)}</B>${s.type === 'parallel' ? ' <I>(parallel)</I>' : ''}`,
        rulesLine(s.rules),
      ].filter((part) => part !== '');
      this.lines.push(
        `${pad}subgraph ${name} {`,
        `${pad}  id=${q(this.id('c'))}; label=<${label.join('<BR/>')}>; style=${q(s.type === 'parallel' ? 'rounded,dashed' : 'rounded')}; color="#888888"; fontname=${q(FONT)}; fontsize=11; labeljust=l;`,
      );
      this.entryOf(s, `${pad}  `);
      if (s.internal.length > 0) this.internalBox(s, `in every state of ${s.key}`, `${pad}  `);
      for (const child of s.children) this.declare(child, depth + 1);
      this.lines.push(`${pad}}`);
      return;
    }
    const node = this.id('n');
    this.nodeOf.set(s.id, node);
    const rows = [
      `<TR><TD ALIGN="CENTER"><B>${esc(s.key)}</B>${s.transient ? ' <I>(transient)</I>' : ''}</TD></TR>`,
      ...(s.rules.length > 0 ? [`<TR><TD ALIGN="CENTER">${rulesLine(s.rules)}</TD></TR>`] : []),
      ...s.entry.map((a) => `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">entry / ${esc(a)}</FONT></TD></TR>`),
      ...s.internal.map((t) => this.internalRow(t)),
      ...this.selfLoops(s).map((t) => this.internalRow(t, '↺ ')),
    ];
    const style = s.transient ? 'rounded,dashed' : 'rounded';
    this.lines.push(
      `${pad}${q(node)} [id=${q(node)}, style=${q(style)}, label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>];`,
    );
  }

  /** The initial pseudo-state of a compound state (or of the root), and the edge to its initial child. */
  private entryOf(s: ChartState, pad: string): void {
    const node = this.id('i');
    this.nodeOf.set(`${s.id}#entry`, node);
    if (s.initial === null) {
      // A parallel state: every region starts at once. An invisible point gives edges somewhere to end.
      this.lines.push(`${pad}${q(node)} [id=${q(node)}, shape=point, style=invis, width=0.01, label=""];`);
      return;
    }
    this.lines.push(`${pad}${q(node)} [id=${q(node)}, shape=point, width=0.12, label=""];`);
    this.pending.push(() => {
      const [head, lhead] = this.endpoint(s.initial as string);
      const attrs = [`id=${q(this.id('e'))}`, ...(lhead ? [`lhead=${lhead}`] : [])];
      this.lines.push(`  ${q(node)} -> ${q(head)} [${attrs.join(', ')}];`);
    });
  }

  private internalBox(s: ChartState, title: string, pad: string): void {
    const node = this.id('n');
    this.nodeOf.set(`${s.id}#internal`, node);
    const rows = [
      `<TR><TD ALIGN="CENTER"><I>${esc(title)}</I></TD></TR>`,
      ...s.internal.map((t) => this.internalRow(t)),
    ];
    this.lines.push(
      `${pad}${q(node)} [id=${q(node)}, style="rounded,dotted", label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>];`,
    );
  }

  private internalRow(t: TransitionInfo, mark = ''): string {
    const rules = t.rules.length > 0 ? `  ${rulesLine(t.rules)}` : '';
    return `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">${esc(mark + transitionLabel(t))}</FONT>${rules}</TD></TR>`;
  }

  /**
   * Transitions from an atomic state back to itself (a guarded answer such as "the provider would
   * release this key"): listed in the state with a ↺, since Graphviz stacks self-loop labels.
   */
  private selfLoops(s: ChartState): TransitionInfo[] {
    return this.chart.transitions.filter((t) => t.source === s.id && t.targets.every((x) => x === s.id));
  }

  private isSelfLoop(t: TransitionInfo): boolean {
    const source = this.byId.get(t.source);
    return source !== undefined && source.type === 'atomic' && t.targets.every((x) => x === t.source);
  }

  /** The node an edge to or from a state ends at, and the cluster it is clipped to (compound states). */
  private endpoint(stateId: string): [string, string | null] {
    const cluster = this.clusterOf.get(stateId);
    if (cluster !== undefined) return [this.nodeOf.get(`${stateId}#entry`) as string, cluster];
    return [this.nodeOf.get(stateId) as string, null];
  }

  private edge(t: TransitionInfo): void {
    const [tail, ltail] = this.endpoint(t.source);
    for (const target of t.targets) {
      const [head, lhead] = this.endpoint(target);
      const label = [
        esc(t.guard === null ? t.event : `${t.event} [${t.guard}]`),
        ...(t.actions.length > 0 ? [`/ ${esc(t.actions.join(', '))}`] : []),
        ...(t.rules.length > 0 ? [rulesLine(t.rules)] : []),
      ];
      const eventless = t.event === 'always';
      const attrs = [
        `id=${q(this.id('e'))}`,
        `label=<${label.join('<BR/>')}>`,
        ...(eventless ? ['style=dashed', `color=${q(FAINT)}`] : []),
        ...(ltail && ltail !== lhead ? [`ltail=${ltail}`] : []),
        ...(lhead && ltail !== lhead ? [`lhead=${lhead}`] : []),
      ];
      this.lines.push(`  ${q(tail)} -> ${q(head)} [${attrs.join(', ')}];`);
    }
  }
}
