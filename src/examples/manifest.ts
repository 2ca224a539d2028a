/**
 * examples/manifest.json: the bundled example sites and what `kpm check` must find on each, and the
 * examples' README, generated from it (a status table, as Quint's examples dashboard).
 */
import { readFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { fileURLToPath } from 'node:url';
import type { PropertyId } from '../catalogue/catalogue.ts';
import type { Verdict } from '../catalogue/plan.ts';
import type { Result } from '../check/report.ts';

export interface ManifestVerdict {
  id: PropertyId;
  subject: string | null;
  expected: Verdict;
  result: Result;
  /** The length of the shortest trace that shows a counterexample or witness. */
  steps?: number;
}

export interface ManifestExample {
  name: string;
  /** File names in examples/. */
  topology: string;
  events: string;
  /** What the site is, and what its scenario shows, for the README. */
  site: string;
  story: string;
  /** The rules the scenario shows. */
  rules: string[];
  check: {
    complete: boolean;
    distinctStates: number;
    transitions: number;
    depth: number;
    verdicts: ManifestVerdict[];
  };
}

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export function readManifest(): ManifestExample[] {
  const data = JSON.parse(readFileSync(`${EXAMPLES_DIR}manifest.json`, 'utf8')) as {
    examples: ManifestExample[];
  };
  return data.examples;
}

/** examples/README.md, every line of it from the manifest. */
export function examplesReadme(examples: readonly ManifestExample[]): string {
  const status = examples.map((e) => {
    const count = (verdict: Verdict) => e.check.verdicts.filter((v) => v.expected === verdict).length;
    const wrong = e.check.verdicts.filter((v) => v.result !== v.expected).length;
    const shown = e.check.verdicts
      .filter((v) => v.result === 'counterexample')
      .map((v) => `${v.id}${v.subject ? ` (${v.subject})` : ''}`);
    return [
      `\`${e.name}\``,
      String(e.check.distinctStates),
      String(e.check.transitions),
      String(e.check.depth),
      String(count('holds')),
      String(count('counterexample')),
      String(count('not-applicable')),
      shown.join(', ') || '-',
      wrong === 0 ? 'yes' : `no: ${wrong} not as expected`,
    ];
  });
  const stories = examples.map((e) => [`\`${e.name}\``, e.site, e.story, e.rules.join(', ')]);
  return [
    '# Example sites',
    '',
    '<!-- Generated from manifest.json by `npm run examples:readme`; a test keeps it current. -->',
    '',
    'Each example is a topology (`<name>.yaml`) and a scenario (`<name>.events.yaml`) that tells its',
    'story; every event line says what happens and why, by rule ID (`key-persistence.md`). Replay one',
    'with `npx kpm replay examples/<name>.yaml examples/<name>.events.yaml`, or check its properties',
    'with `npx kpm check examples/<name>.yaml`.',
    '',
    '## Status',
    '',
    '`manifest.json` records what `kpm check` finds on each example (every event, no symmetry',
    'reduction): the distinct states, transitions and depth of the exploration, and each property’s',
    'verdict per subject, expected and found. The tests run `kpm check` on every example and compare.',
    '',
    table(
      [
        'example',
        'states',
        'transitions',
        'depth',
        'hold',
        'counterexamples',
        'not applicable',
        'documented failures found',
        'all as expected',
      ],
      status,
    ),
    '',
    '## The examples',
    '',
    table(['example', 'site', 'what the scenario shows', 'rules'], stories),
    '',
  ].join('\n');
}

/** The README as it is committed: formatted by prettier like every other file. */
export async function formattedExamplesReadme(examples: readonly ManifestExample[]): Promise<string> {
  const file = `${EXAMPLES_DIR}README.md`;
  const options = (await resolveConfig(file)) ?? {};
  return format(examplesReadme(examples), { ...options, filepath: file });
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
