/**
 * `kpm report` as a user runs it (the real launcher, real files), and its pages as a reader opens
 * them: interface.md's contract (DIR/index.html self-contained, DIR/report.md, the same bytes for the
 * same inputs, nothing in DIR on bad input, exit 2), every spec ID and every section in both files,
 * and, in headless Chromium (playwright-core, Debian's `chromium`): no console error, no request
 * leaving the machine, every diagram drawn, every section readable with JavaScript off, and every
 * Mermaid block of report.md parsed by `mermaid` itself. A screenshot is kept in reports/.
 *
 * Without a browser these browser tests are skipped, saying how to install one; with CI=true a
 * missing browser fails them (.ci/run installs Debian's chromium first).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { COMPONENT_KINDS } from '../models/components.ts';

const KPM = fileURLToPath(new URL('../bin/kpm.js', import.meta.url));
const REPORTS = fileURLToPath(new URL('../reports/', import.meta.url));
const SPEC = readFileSync(new URL('../spec/key-persistence.md', import.meta.url), 'utf8');
const SPEC_IDS = [...SPEC.matchAll(/^\| ((?:KP|DOC|ASM|SEC|AV|LV)-\d\d) \|/gm)].map((m) => m[1]);
const SECTIONS = [
  ['statecharts', 'The statecharts'],
  ['matrix', 'The traceability matrix'],
  ['traces', 'Counterexamples and witnesses'],
  ['releases', 'The release matrix'],
  ['choices', 'The modelling choices'],
  ['coverage', 'Coverage'],
  ['operator', 'The operator’s page'],
] as const;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The real `kpm`, asynchronously, so that two reports can be made at once. */
function kpm(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KPM, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every file under a folder, by path relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [relative(dir, join(d, e.name))],
    );
  return walk(dir).sort();
}

let root: string;
let first: string;
let second: string;
let runs: Run[];
let html: string;
let markdown: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kpm-report-'));
  first = join(root, 'first');
  second = join(root, 'second');
  // The same inputs twice: once with worker threads for the option flips, once without. Neither
  // the threads nor the folder may change a byte.
  runs = await Promise.all([
    kpm(['report', '--out', first], { KPM_WORKERS: '1' }),
    kpm(['report', '--out', second], { KPM_WORKERS: '0' }),
  ]);
  html = readFileSync(join(first, 'index.html'), 'utf8');
  markdown = readFileSync(join(first, 'report.md'), 'utf8');
}, 600_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('kpm report [topology] --out DIR', () => {
  test('writes DIR/index.html, DIR/report.md and the replay files, exit 0 on the bundled edge site', () => {
    for (const run of runs)
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(runs[0].stdout).toMatch(/^kpm report edge-site: wrote .*index\.html and .*report\.md/);
    const files = filesUnder(first);
    expect(files.slice(0, 2)).toEqual(['index.html', 'replay/edge-site-AV-02-app.events.json']);
    expect(files).toContain('report.md');
    expect(files).toContain('replay/edge-site.yaml');
  });

  test('two runs of the same inputs give identical bytes', () => {
    const names = filesUnder(first);
    expect(filesUnder(second)).toEqual(names);
    for (const name of names) {
      expect(readFileSync(join(second, name)).equals(readFileSync(join(first, name))), name).toBe(true);
    }
  });

  test('every spec ID appears in the HTML and in the Markdown', () => {
    expect(SPEC_IDS.length).toBe(50);
    expect(SPEC_IDS.filter((id) => !html.includes(id))).toEqual([]);
    expect(SPEC_IDS.filter((id) => !markdown.includes(id))).toEqual([]);
  });

  test('every section, in order, in both files', () => {
    const htmlAt = SECTIONS.map(([id, title], i) =>
      html.indexOf(`<section id="${id}">\n<h2>${i + 1}. ${title}</h2>`),
    );
    const mdAt = SECTIONS.map(([id, title], i) =>
      markdown.indexOf(`<a id="${id}"></a>\n\n## ${i + 1}. ${title}\n`),
    );
    for (const at of [htmlAt, mdAt]) {
      expect(
        at.every((x, i) => x > 0 && (i === 0 || x > at[i - 1])),
        JSON.stringify(at),
      ).toBe(true);
    }
  });

  test('the HTML is self-contained: no script, and nothing it refers to lies outside the file', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import|<link\b|<iframe|<object|<embed/i);
    const references = [...html.matchAll(/\s(?:src|href|xlink:href)="([^"]*)"/g)].map((m) => m[1]);
    expect(references.filter((r) => !r.startsWith('#'))).toEqual([]);
    const urls = [...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]);
    expect(urls.filter((u) => !u.startsWith('#'))).toEqual([]);
  });

  test('every statechart is drawn (SVG in the HTML, Mermaid in the Markdown), the orchestration ones included', () => {
    const figures = [
      ...html.matchAll(/<figure class="statechart" id="statechart-([a-z]+)">[\s\S]*?<\/figure>/gi),
    ];
    expect(figures.map((f) => f[1]).sort()).toEqual(COMPONENT_KINDS.map((k) => k.toLowerCase()).sort());
    for (const f of figures) expect(f[0]).toMatch(/<svg[\s\S]*<\/svg>/);
    const states = markdown.match(/```mermaid\nstateDiagram-v2\n/g) ?? [];
    expect(states.length).toBe(COMPONENT_KINDS.length);
    // Each trace: a sequence diagram in both files.
    const sequencesHtml = html.match(/<figure class="sequence"/g) ?? [];
    const sequencesMd = markdown.match(/```mermaid\nsequenceDiagram\n/g) ?? [];
    expect(sequencesHtml.length).toBeGreaterThanOrEqual(3);
    expect(sequencesMd.length).toBe(sequencesHtml.length);
  });

  test('a replay command of the report reproduces its trace from the report’s folder', () => {
    const command =
      /npx kpm replay (replay\/edge-site\.yaml) (replay\/edge-site-AV-02-app\.events\.json)/.exec(html);
    expect(command).not.toBeNull();
    const [, topology, events] = command as RegExpExecArray;
    const run = spawnSync(process.execPath, [KPM, 'replay', topology, events, '--json'], {
      cwd: first,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const trace = JSON.parse(run.stdout) as { steps: { state: { vms: Record<string, unknown> } }[] };
    expect(trace.steps.at(-1)?.state.vms.app).toEqual({ power: 'off', locked: true });
  });

  test('a bad topology: the problems, exit code 2, and nothing in DIR', async () => {
    const bad = join(root, 'bad.yaml');
    const dir = join(root, 'never');
    writeFileSync(bad, 'name: broken\nrelease: "7.0U3"\nhosts:\n  - { id: esx-01, tpm: "3.0" }\n');
    const run = await kpm(['report', bad, '--out', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:4: hosts\[0\]\.tpm: expected one of "2\.0", "1\.2", "none"/);
    expect(run.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('never'))).toEqual([]);
  });

  test('an --out that cannot be written is bad input too, told with the topology’s problems, before any work', async () => {
    const bad = join(root, 'bad.yaml');
    const aFile = join(root, 'a-file');
    writeFileSync(aFile, 'not a folder\n');
    const run = await kpm(['report', bad, '--out', aFile]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:4: hosts\[0\]\.tpm/);
    expect(run.stderr).toMatch(/a-file: cannot write the --out folder: it is a file, not a folder/);
    expect(readFileSync(aFile, 'utf8')).toBe('not a folder\n');
  });

  test('an --out folder that holds other files, or the current folder, is refused: it would be replaced', async () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me\n');
    const other = await kpm(['report', '--out', mine]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(
      /mine: cannot write the --out folder: it holds files that are not a kpm report/,
    );
    expect(readdirSync(mine)).toEqual(['notes.txt']);
    const here = await kpm(['report', '--out', '.'], {}, mine);
    expect(here.status).toBe(2);
    expect(here.stderr).toMatch(/it is, or holds, the current folder/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });
});

// --- in headless Chromium ------------------------------------------------------------------------

const CHROMIUM = process.env.KPM_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL =
  'install one with `apt-get install -y chromium` (Debian), or point KPM_CHROMIUM at a Chromium';
const hasBrowser = existsSync(CHROMIUM);
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let warned = false;

/** Skips the test without a browser, saying how to get one; with CI=true that is a failure instead. */
function needBrowser(context: TestContext): void {
  if (hasBrowser) return;
  if (process.env.CI === 'true') throw new Error(`CI=true and no Chromium at ${CHROMIUM}: ${INSTALL}`);
  const why = `no Chromium at ${CHROMIUM}: ${INSTALL}`;
  // The default reporter does not show a skip's note: say it once where every reporter shows it.
  if (!warned) console.warn(`kpm report's browser tests are skipped: ${why}.`);
  warned = true;
  context.skip(why);
}

interface Opened {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  requests: string[];
}

/** The report's page in a fresh browser (its own user-data-dir); every request off this machine is blocked and noted. */
async function open(options: { javaScriptEnabled: boolean; bypassCSP?: boolean }): Promise<Opened> {
  const profile = mkdtempSync(join(root, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled,
    bypassCSP: options.bypassCSP ?? false,
  });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !requests.includes(url)) requests.push(url);
  });
  await page.goto(`file://${join(first, 'index.html')}`, { waitUntil: 'load' });
  return { context, page, consoleErrors, requests };
}

describe('in headless Chromium', () => {
  test('opens from disk: no console error, no request leaves the machine, every diagram drawn, every spec ID', async (context) => {
    needBrowser(context);
    const { context: browser, page, consoleErrors, requests } = await open({ javaScriptEnabled: true });
    try {
      const diagrams = await page.$$eval('figure', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('.diagram > svg');
          const box = svg?.getBoundingClientRect();
          return {
            id: f.id,
            drawn: svg !== null && (box?.width ?? 0) > 50 && (box?.height ?? 0) > 20,
            shapes: svg?.querySelectorAll('text').length ?? 0,
          };
        }),
      );
      expect(diagrams.filter((d) => d.id.startsWith('statechart-')).length).toBe(COMPONENT_KINDS.length);
      expect(diagrams.filter((d) => !d.drawn || d.shapes === 0)).toEqual([]);
      const text = await page.evaluate(() => document.body.textContent ?? '');
      expect(SPEC_IDS.filter((id) => !text.includes(id))).toEqual([]);
      mkdirSync(REPORTS, { recursive: true });
      const shot = join(REPORTS, 'kpm-report-edge-site.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      await context.annotate(`screenshot: ${relative(process.cwd(), shot)}`);
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('with JavaScript disabled every section still shows, with its diagrams', async (context) => {
    needBrowser(context);
    const { context: browser, page, consoleErrors, requests } = await open({ javaScriptEnabled: false });
    try {
      for (const [id, title] of SECTIONS) {
        const heading = page.locator(`#${id} > h2`);
        expect(await heading.isVisible(), id).toBe(true);
        expect(await heading.textContent()).toContain(title);
      }
      expect(await page.locator('figure.statechart .diagram > svg').count()).toBe(COMPONENT_KINDS.length);
      expect(await page.locator('figure.statechart .diagram > svg').first().isVisible()).toBe(true);
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('every Mermaid block of report.md parses with mermaid itself, loaded into the report’s page', async (context) => {
    needBrowser(context);
    const blocks = [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(COMPONENT_KINDS.length);
    const mermaid = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
    // The page allows no script at all (its Content-Security-Policy): this test lifts that to load mermaid.
    const { context: browser, page, requests } = await open({ javaScriptEnabled: true, bypassCSP: true });
    try {
      await page.addScriptTag({ path: mermaid });
      const parse = (sources: string[]) =>
        page.evaluate(async (all) => {
          const m = (globalThis as unknown as { mermaid: { parse(text: string): Promise<unknown> } }).mermaid;
          const errors: (string | null)[] = [];
          for (const source of all) {
            try {
              await m.parse(source);
              errors.push(null);
            } catch (error) {
              errors.push(error instanceof Error ? error.message : String(error));
            }
          }
          return errors;
        }, sources);
      const errors = await parse(blocks);
      expect(
        blocks.filter((_, i) => errors[i] !== null).map((b, i) => `${b.split('\n')[0]}: ${errors[i]}`),
      ).toEqual([]);
      // And a broken block is caught as a parse error, so the check above can fail.
      const [broken] = await parse([
        'stateDiagram-v2\n  s0 --> s1 : KEY_CHECK [a && b]; {x}\n  state "a" as {',
      ]);
      expect(broken).toMatch(/Parse error|error/i);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
