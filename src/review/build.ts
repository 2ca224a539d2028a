/**
 * `kpm report`: the specification review of one site, as files. Runs `kpm check` on the site once
 * (recording which statechart transitions it takes), gathers each section's data, lays the
 * sections out once as a document, and renders it twice: `index.html` (self-contained) and
 * `report.md` (the same content for code hosts). The `replay/` files make every trace of the report
 * replayable from the report's folder.
 *
 * Deterministic: no time, no randomness without a seed, every list in a fixed order; the same
 * inputs give the same bytes.
 */
import { readFileSync } from 'node:fs';
import { productionModel, type Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { allAsExpected, type CheckReport } from '../check/report.ts';
import { runCheck } from '../check/run.ts';
import { CoverageRecorder } from '../statecharts/coverage.ts';
import type { ReviewContext } from './context.ts';
import { charts } from './diagrams/chart.ts';
import { graphviz } from './diagrams/graphviz.ts';
import { code, paragraph, strong, table, type Block, type ReviewDocument, type Text } from './document.ts';
import { readGoldenScenarios } from './golden.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { ReplayFiles } from './replays.ts';
import { startChecks, type CheckPool } from './parallel/checks.ts';
import { choicesData, choicesSection, flipVariants, type FlipVariant } from './sections/choices.ts';
import { coverageData, coverageSection } from './sections/coverage.ts';
import { matrixData, matrixSection } from './sections/matrix.ts';
import { operatorData, operatorSection } from './sections/operator.ts';
import { releasesData, releasesSection } from './sections/releases.ts';
import { statechartsData, statechartsSection } from './sections/statecharts.ts';
import { timelinesSection } from './sections/timelines.ts';
import { readSpec } from './spec.ts';
import { noTestPaths, type TestPathGenerator } from './test-paths.ts';

export interface ReviewOptions {
  /** The topology file as the user named it, shown in the report (never read again). */
  topologyFile: string;
  /** Seed of the sampled property runs of the coverage section. */
  seed?: number;
  model?: Model;
  /** Where the test paths come from; none until `kpm paths` is wired in. */
  testPaths?: TestPathGenerator;
}

export interface Review {
  /** Path relative to the report's folder → content. `index.html` and `report.md` first. */
  files: [string, string][];
  check: CheckReport;
  asExpected: boolean;
}

export const DEFAULT_SEED = 1;

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function buildReview(topology: Topology, options: ReviewOptions): Promise<Review> {
  const model = options.model ?? productionModel;
  const seed = options.seed ?? DEFAULT_SEED;
  // Graphviz's WebAssembly compiles off the main thread meanwhile (the diagrams need it later;
  // a failure shows there, where it is awaited).
  graphviz().catch(() => {});
  // The modelling choices need kpm check on every flip of an option: on other threads meanwhile.
  const variants = flipVariants(topology);
  const flips = startChecks(
    variants.flatMap((v) => (v.topology === null ? [] : [{ topology: v.topology, seed }])),
    model,
  );
  try {
    return await review(topology, options, model, seed, variants, flips);
  } catch (error) {
    await flips.cancel();
    throw error;
  }
}

async function review(
  topology: Topology,
  options: ReviewOptions,
  model: Model,
  seed: number,
  variants: FlipVariant[],
  flips: CheckPool,
): Promise<Review> {
  // A copy of the topology: the explorer keeps its transition tables per topology object, and the
  // recorder must see them being made, whatever ran on this topology before.
  const recorder = new CoverageRecorder(model);
  const check = recorder.record(() => runCheck(structuredClone(topology), { seed, model }));
  const ctx: ReviewContext = {
    topology,
    model,
    seed,
    check,
    checkCoverage: recorder.coverage(),
    spec: readSpec(),
    charts: charts(model),
    golden: readGoldenScenarios(),
    paths: (options.testPaths ?? noTestPaths)(topology),
    replays: new ReplayFiles(),
  };
  ctx.replays.topologyFile(topology);
  const statecharts = statechartsSection(await statechartsData(ctx.charts));
  const matrix = matrixSection(matrixData(ctx));
  const traces = timelinesSection(ctx);
  const releases = releasesSection(releasesData(ctx));
  const coverage = coverageSection(coverageData(ctx));
  const operator = operatorSection(ctx, operatorData(ctx));
  const choices = choicesSection(choicesData(ctx, variants, await flips.finish()), check.states);
  const doc: ReviewDocument = {
    title: `Specification review: ${topology.name}`,
    intro: intro(ctx, options.topologyFile),
    sections: [statecharts, matrix, traces, releases, choices, coverage, operator],
  };
  return {
    files: [['index.html', renderHtml(doc)], ['report.md', renderMarkdown(doc)], ...ctx.replays.all()],
    check,
    asExpected: allAsExpected(check),
  };
}

function intro(ctx: ReviewContext, topologyFile: string): Block[] {
  const t = ctx.topology;
  const c = ctx.check;
  const bad = c.properties.filter((p) => !p.asExpected);
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const options = Object.entries(t.options)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  return [
    paragraph(
      'What each rule of the VMware documentation became in the model of vSphere key persistence (kpm ',
      VERSION,
      '), whether it holds on this site, and the shortest story of each failure. Site ',
      strong(t.name),
      ' (',
      code(topologyFile),
      `), release ${t.release}; options ${options}.`,
    ),
    table(
      ['host', 'release', 'TPM', 'key persistence', 'VMs'],
      t.hosts.map((h): Text[] => [
        code(h.id),
        h.release,
        h.tpm,
        yesNo(h.keyPersistence),
        t.vms
          .filter((v) => v.host === h.id)
          .map(
            (v) =>
              `${v.id} (${v.encryptedBy ?? 'unencrypted'}${v.vtpm ? ', vTPM' : ''}${v.running ? ', running' : ''})`,
          )
          .join('; ') || 'none',
      ]),
    ),
    paragraph(
      'Providers: ',
      t.providers
        .map((p) => `${p.id} (${p.kind}${p.kind === 'native' && p.tpmOnly ? ', tpmOnly' : ''})`)
        .join(', ') || 'none',
      '. vSAN: ',
      t.vsan ? `encrypted by ${t.vsan.encryptedBy}` : 'none',
      '.',
    ),
    paragraph(
      strong('kpm check'),
      `: ${c.states} states, ${c.transitions} transitions, depth ${c.depth}, ${c.complete ? 'complete' : 'bounded'}; `,
      bad.length === 0
        ? `all ${c.properties.length} verdicts as expected.`
        : `${bad.length} of ${c.properties.length} verdicts NOT as expected: ${bad.map((p) => p.id + (p.subject ? ` (${p.subject})` : '')).join(', ')}.`,
    ),
    paragraph(
      'This report is ',
      code('index.html'),
      ' (open it from disk; it loads nothing) and ',
      code('report.md'),
      ' (the same content, diagrams as Mermaid blocks). Every trace can be replayed with the ',
      code('npx kpm replay'),
      ' command beside it, run from the report’s folder: its files are under ',
      code('replay/'),
      '.',
    ),
  ];
}
