/**
 * The pieces of `kpm report` (src/review/), in process: the spec and the golden scenarios as the
 * matrix reads them, the matrix computed from the code's data (change the data, the matrix
 * changes), traces explained by the transitions taken, the coverage of kpm check's run equal to
 * replaying every edge of its graph, the operator's question answered as kpm check answers it, the
 * release matrix, the escaping of Markdown and Mermaid, and the all-or-nothing writing of DIR.
 * The whole report, as a user runs it, is test/report.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS } from '../models/components.ts';
import { productionModel } from '../models/index.ts';
import { packedGraph } from '../src/check/graph.ts';
import type { CheckReport } from '../src/check/report.ts';
import { runCheck } from '../src/check/run.ts';
import { writeFolder } from '../src/cli/report.ts';
import { loadEvents } from '../src/events-file.ts';
import { formatChange } from '../src/report/diff.ts';
import type { ReviewContext } from '../src/review/context.ts';
import { charts, type Chart } from '../src/review/diagrams/chart.ts';
import { chartMermaid, mermaidText } from '../src/review/diagrams/mermaid.ts';
import { wrap } from '../src/review/diagrams/sequence-svg.ts';
import { explainTrace } from '../src/review/explain.ts';
import { readGoldenScenarios } from '../src/review/golden.ts';
import { escapeText, renderMarkdown } from '../src/review/markdown.ts';
import { renderHtml } from '../src/review/html.ts';
import { shortestLosses } from '../src/review/losses.ts';
import { ReplayFiles } from '../src/review/replays.ts';
import { optionInfos } from '../src/review/sections/choices.ts';
import { matrixData } from '../src/review/sections/matrix.ts';
import { OUTAGES_AND_REBOOTS } from '../src/review/sections/operator.ts';
import { cellWords, releasesData } from '../src/review/sections/releases.ts';
import { parseSpec, readSpec } from '../src/review/spec.ts';
import { CoverageRecorder } from '../src/statecharts/coverage.ts';
import { inventory } from '../src/statecharts/inventory.ts';
import { loadTopology } from '../src/topology/load.ts';
import { initialWorld, step } from '../src/world/world.ts';

const example = (name: string) => loadTopology(new URL(`../examples/${name}.yaml`, import.meta.url).pathname);
const SPEC_TEXT = readFileSync(new URL('../spec/key-persistence.md', import.meta.url), 'utf8');

describe('the specification as the report reads it', () => {
  test('every rule and property ID of the spec, in order, with its text', () => {
    const spec = readSpec();
    const ids = [...SPEC_TEXT.matchAll(/^\| ((?:KP|DOC|ASM|SEC|AV|LV)-\d\d) \|/gm)].map((m) => m[1]);
    expect([...spec.rules, ...spec.properties].map((e) => e.id)).toEqual(ids);
    expect(spec.rules.find((r) => r.id === 'KP-07')?.text).toBe('A host reboot empties the key cache.');
    // Section 4's rows are `| ASM-nn | default | choice |`: the rule is the choice.
    const asm02 = spec.rules.find((r) => r.id === 'ASM-02');
    expect(asm02?.text).toMatch(/^Locked VMs stay locked until an explicit unlock/);
    expect(asm02?.cells).toEqual(['manual']);
  });

  test('a rule added to the spec is a rule of the report', () => {
    const spec = parseSpec(`${SPEC_TEXT}\n| DOC-10 | A new rule. |\n`);
    expect(spec.rules.at(-1)).toEqual({ id: 'DOC-10', family: 'DOC', text: 'A new rule.', cells: [] });
  });

  test('golden scenarios: the rule of the file name first, then those of the rules list', () => {
    const golden = readGoldenScenarios();
    const names = readdirSync(new URL('./golden/', import.meta.url)).filter((n) => n.endsWith('.yaml'));
    expect(golden.map((g) => g.file)).toEqual(names.sort().map((n) => `test/golden/${n}`));
    const kp10 = golden.find((g) => g.file.endsWith('kp-10-edge-wan-failure.yaml'));
    expect(kp10?.rules).toEqual(['KP-10', 'KP-11', 'KP-09', 'KP-17', 'ASM-01', 'ASM-04']);
  });
});

/** A review context with a `kpm check` report that found nothing: enough for the matrix. */
function context(overrides: Partial<ReviewContext> = {}): ReviewContext {
  const check: CheckReport = {
    topology: 't',
    complete: true,
    states: 1,
    transitions: 0,
    depth: 0,
    elapsedMs: 0,
    method: 'full product',
    explorations: [],
    couplings: [],
    properties: [],
    operator: [],
  };
  return {
    topology: example('mixed-native-standard'),
    model: productionModel,
    seed: 1,
    check,
    checkCoverage: { machines: {} },
    spec: readSpec(),
    charts: charts(),
    golden: readGoldenScenarios(),
    paths: null,
    replays: new ReplayFiles(),
    ...overrides,
  };
}

describe('the traceability matrix is computed from the code’s data', () => {
  test('each rule is carried by exactly the states and transitions whose meta.rules cite it', () => {
    const data = matrixData(context());
    for (const row of data.rules) {
      const expected = COMPONENT_KINDS.flatMap((kind) => {
        const inv = inventory(productionModel[kind] as AnyStateMachine);
        return [...inv.states, ...inv.transitions].filter((x) => x.rules.includes(row.id)).map((x) => x.id);
      });
      expect(row.carriedBy.map((e) => e.id)).toEqual(expected);
    }
  });

  test('the orphans, both ways, are those of the model', () => {
    const { orphans } = matrixData(context());
    // As test/statecharts.test.ts says: KP-15 and KP-16 are consequences, DOC-08 the topology rules' floors.
    expect(orphans.uncarried).toEqual(['KP-15', 'KP-16', 'DOC-08']);
    expect(orphans.unexplained.map((e) => e.id)).toContain('vm.configured always [wasRunning] -> on');
    expect(orphans.untied).toEqual([]);
    expect(orphans.unknown).toEqual([]);
  });

  test('change the data and the matrix changes: a new rule, a transition that no longer cites one', () => {
    const spec = parseSpec(`${SPEC_TEXT}\n| DOC-10 | A new rule. |\n`);
    const without = charts().map((c): Chart =>
      c.kind === 'diskGroup'
        ? { ...c, all: c.all.map((t) => ({ ...t, rules: t.rules.filter((r) => r !== 'KP-07') })) }
        : c,
    );
    const before = matrixData(context());
    const after = matrixData(context({ spec, charts: without }));
    const kp07 = (d: typeof before) => d.rules.find((r) => r.id === 'KP-07')?.carriedBy.map((e) => e.id);
    expect(kp07(before)).toContain('diskGroup.mounted HOST_DOWN -> unmounted');
    expect(kp07(after)).not.toContain('diskGroup.mounted HOST_DOWN -> unmounted');
    expect(after.rules.at(-1)?.id).toBe('DOC-10');
    expect(after.orphans.unchecked).toContain('DOC-10');
    expect(after.orphans.untested).toContain('DOC-10');
    expect(after.orphans.uncarried).toContain('DOC-10');
  });

  test('a test path shows in the matrix once a generator is wired in', () => {
    const path = { id: 'p1', events: [{ type: 'VCENTER_DOWN' as const }], covers: ['KP-04'] };
    const paths = {
      name: 'a stub',
      paths: () => [path],
      shortestForRule: (rule: string) => (rule === 'KP-04' ? path : null),
    };
    const data = matrixData(context({ paths }));
    expect(data.rules.find((r) => r.id === 'KP-04')?.path).toBe(path);
    expect(data.rules.find((r) => r.id === 'KP-05')?.path).toBeNull();
    expect(matrixData(context()).rules.every((r) => r.path === undefined)).toBe(true);
  });
});

describe('traces explained by the transitions taken', () => {
  test('the worked example: each change with the rules of the transitions that made it', () => {
    const topology = example('edge-site');
    const events = loadEvents(new URL('../examples/edge-site.events.yaml', import.meta.url).pathname);
    const { steps } = explainTrace(topology, events);
    const reboot = steps[3];
    expect(reboot.event).toEqual({ type: 'HOST_REBOOT', host: 'esx-02' });
    const why = Object.fromEntries(reboot.changes.map((c) => [formatChange(c.change), c.rules]));
    expect(why).toEqual({
      'esx-02 cache: -app, -vsan': ['KP-07'],
      'esx-02 vsan: mounted -> unmounted': ['KP-07'],
      'vm app: on -> off, locked': ['KP-07', 'KP-09', 'KP-10', 'DOC-04'],
    });
    expect(reboot.orchestration.map((t) => t.transition)).toContain('boot.idle BOOT -> stopping');
    expect(steps[4]).toMatchObject({ outcome: 'refused', reasonRules: ['DOC-04'], changes: [] });
    // The link comes back: the disk group mounts by itself (DOC-05), its KEK enters the cache (KP-06).
    const linkUp = Object.fromEntries(
      steps[5].changes.map((c) => [formatChange(c.change), c.by.map((t) => t.transition)]),
    );
    expect(linkUp['esx-02 vsan: unmounted -> mounted']).toEqual([
      'diskGroup.unmounted MOUNT [kekUsable] -> mounted',
    ]);
    expect(linkUp['esx-02 cache: +vsan']).toEqual(['host OBTAIN_KEY [notCached]']);
  });
});

describe('coverage of kpm check’s run', () => {
  test.each(['mixed-native-standard'])(
    '%s: recording kpm check reaches exactly what replaying every edge of its explored graph reaches',
    (name) => {
      const topology = example(name);
      const recorded = new CoverageRecorder();
      recorded.record(() => runCheck(structuredClone(topology)));
      const graph = packedGraph(structuredClone(topology), {
        alphabet: 'all',
        maxStates: 100_000,
        maxDepth: Infinity,
      });
      const replayed = new CoverageRecorder();
      replayed.record(() => {
        initialWorld(topology);
        graph.forEachTransition((from, event) => void step(graph.world(from), event));
      });
      expect(recorded.coverage()).toEqual(replayed.coverage());
    },
  );
});

describe('the operator’s question and the release matrix', () => {
  test.each(['legacy-7.0U1', 'tpm-less', 'mixed-native-standard'])(
    '%s: the shortest losses of running VMs are kpm check’s operator answers',
    (name) => {
      const topology = example(name);
      const losses = shortestLosses(topology, OUTAGES_AND_REBOOTS).losses.filter(
        (l) => l.workload.kind === 'vm',
      );
      const answers = runCheck(topology).operator;
      expect(losses.map((l) => ({ vm: l.workload.id, steps: l.trace?.length ?? null }))).toEqual(
        answers.map((a) => ({ vm: a.vm, steps: a.trace?.length ?? null })),
      );
    },
  );

  test('the documented scenarios on each release, from the model', () => {
    const rows = releasesData({ replays: new ReplayFiles() });
    const row = (id: string) => rows.find((r) => r.scenario.id === id)?.cells.map((c) => cellWords(c)) ?? [];
    // KP-10: without persistence (below 7.0U2) both VMs are lost; from 7.0U2 only the host without it.
    expect(row('kp-10-edge-outage')[0]).toMatch(/^lost: db after 2 steps, app after 2 steps\./);
    expect(row('kp-10-edge-outage')[2]).toBe('lost: app after 2 steps.');
    // KP-03: on 7.0U2 the vSAN KEK is not persisted; from 7.0U3 it is.
    expect(row('vsan-through-outage')[2]).toMatch(/disk group esx-01 after 2 steps/);
    expect(row('vsan-through-outage')[3]).toBe('nothing lost.');
    // DOC-08: the native provider below 7.0U2, Trust Authority below 7.0.
    expect(row('native-provider-site')[1]).toMatch(/^not possible: .*7\.0U2.*\(DOC-08\)/);
    expect(row('trust-authority-site')[0]).toMatch(/^not possible: .*\(DOC-08\)/);
    expect(row('trust-authority-site')[1]).toMatch(/^lost: vault after 2 steps, ledger after 2 steps/);
  });

  test('the options and their ASM IDs come from the topology schema', () => {
    expect(optionInfos().map((o) => [o.name, o.rule, o.values])).toEqual([
      ['persistCachedKeys', 'ASM-01', [true, false]],
      ['autoUnlock', 'ASM-02', [true, false]],
      ['autostart', 'ASM-03', [true, false]],
      ['keyScope', 'ASM-04', ['host', 'cluster']],
      ['reboot', 'ASM-05', ['atomic']],
      ['nativeKeyWording', 'ASM-06', ['8.0', '7.0']],
    ]);
  });
});

describe('escaping', () => {
  test('Mermaid labels: every character with a meaning in its grammars is an entity code', () => {
    expect(mermaidText('KEY_CHECK [autoUnlock && keyUsable] / obtainKey')).toBe(
      'KEY_CHECK #91;autoUnlock #38;#38; keyUsable#93; / obtainKey',
    );
    expect(mermaidText('OBTAIN_KEY [!cacheable]: a; b # c %% d {e} <f> "g"')).toBe(
      'OBTAIN_KEY #91;#33;cacheable#93;#58; a#59; b #35; c #37;#37; d #123;e#125; #60;f#62; #34;g#34;',
    );
    expect(mermaidText('up -> down')).toBe('up → down');
  });

  test('Markdown text: markup characters escaped, HTML made inert', () => {
    expect(escapeText('a_b *c* [d](e) `f` <script> & x')).toBe(
      'a\\_b \\*c\\* \\[d\\](e) \\`f\\` &lt;script> &amp; x',
    );
    expect(escapeText('- not a list')).toBe('\\- not a list');
    expect(escapeText('# not a heading')).toBe('\\# not a heading');
  });

  test('HTML and Markdown: text with markup in it stays text, in every kind of block', () => {
    const evil = '<img src=x onerror=alert(1)> | `x` **y**';
    const doc = {
      title: evil,
      intro: [{ kind: 'paragraph' as const, text: evil }],
      sections: [
        {
          id: 's',
          title: evil,
          blocks: [
            { kind: 'table' as const, head: [evil], rows: [[evil, { code: evil }]] },
            { kind: 'details' as const, summary: evil, blocks: [{ kind: 'code' as const, text: evil }] },
          ],
        },
      ],
    };
    const html = renderHtml(doc);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const md = renderMarkdown(doc);
    // Outside code, `<` never opens a tag; inside code it is only shown.
    const outsideCode = md.replace(/```text\n[^]*?\n```/g, '').replace(/(`+)[^`]*?(?:`(?!`)[^`]*?)*\1/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(md).toContain('| &lt;img src=x onerror=alert(1)> \\| \\`x\\` \\*\\*y\\*\\* |\n| --- |');
    // A pipe inside a table cell, even in code, does not end the cell.
    expect(md).toContain(' | ``<img src=x onerror=alert(1)> \\| `x` **y**`` |');
  });

  test('sequence notes wrap at word boundaries', () => {
    expect(wrap('vm app: on -> off, locked', 12)).toEqual(['vm app: on', '-> off,', 'locked']);
  });

  test('every statechart’s Mermaid source declares each of its states once', () => {
    for (const chart of charts()) {
      const source = chartMermaid(chart);
      const declared = [...source.matchAll(/^\s*state "[^"]*" as (s\d+)/gm)].map((m) => m[1]);
      expect(new Set(declared).size).toBe(declared.length);
    }
  });
});

describe('replay files', () => {
  test('named after their content, one per topology, never two names that differ only by case', () => {
    const files = new ReplayFiles();
    const site = example('tpm-less');
    const twin = { ...site, name: 'TPM-LESS' };
    const a = files.command(site, [{ type: 'VCENTER_DOWN' }], 'AV-01 vm');
    const b = files.command(twin, [{ type: 'VCENTER_UP' }], 'av-01 VM');
    expect(a).toBe('npx kpm replay replay/tpm-less.yaml replay/AV-01-vm.events.json');
    expect(b).toBe('npx kpm replay replay/TPM-LESS-2.yaml replay/av-01-VM-2.events.json');
    expect(files.command(site, [{ type: 'VCENTER_DOWN' }], 'AV-01 vm')).toBe(a);
    const names = files.all().map(([path]) => path.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('writing DIR: all or nothing', () => {
  const root = mkdtempSync(join(tmpdir(), 'kpm-review-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a new folder, then a replaced one, with no temporary folder left beside it', () => {
    const dir = join(root, 'out');
    writeFolder(dir, [
      ['index.html', 'one'],
      ['replay/a.json', '[]'],
    ]);
    writeFileSync(join(dir, 'stale.txt'), 'from an older report');
    writeFolder(dir, [['index.html', 'two']]);
    expect(readdirSync(dir)).toEqual(['index.html']);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('two');
    expect(readdirSync(root)).toEqual(['out']);
  });

  test('a failure while writing leaves the folder as it was', () => {
    const dir = join(root, 'kept');
    writeFolder(dir, [['index.html', 'old']]);
    // A file and a folder of the same name cannot both be written.
    expect(() =>
      writeFolder(dir, [
        ['a', 'x'],
        ['a/b', 'y'],
      ]),
    ).toThrow();
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('old');
    expect(readdirSync(root).sort()).toEqual(['kept', 'out']);
    expect(existsSync(join(root, '.kept.kpm-' + process.pid + '.tmp'))).toBe(false);
  });
});
