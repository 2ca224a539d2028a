/**
 * The review document as one self-contained HTML file: inline CSS, inline SVG, no script, no font
 * or image from anywhere. Readable with JavaScript off: collapsed parts are `<details>`. Every piece
 * of text is escaped; the SVGs come from Graphviz (graphviz.ts) with ids unique in the page.
 */
import { spans, type Block, type ReviewDocument, type Section, type Text } from './document.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderHtml(doc: ReviewDocument): string {
  const toc = doc.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: no script, no style, no image, no font outside this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...doc.intro.map(block),
    '<nav aria-label="Sections"><ol>',
    toc,
    '</ol></nav>',
    '</header>',
    '<main>',
    ...doc.sections.map(section),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(s: Section, index: number): string {
  return [
    `<section id="${escapeHtml(s.id)}">`,
    `<h2>${index + 1}. ${escapeHtml(s.title)}</h2>`,
    ...s.blocks.map(block),
    '</section>',
  ].join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level} id="${escapeHtml(b.id)}">${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>\n${b.items.map((item) => `<li>${inline(item)}</li>`).join('\n')}\n</ul>`;
    case 'table': {
      const caption = b.caption === undefined ? '' : `<caption>${escapeHtml(b.caption)}</caption>`;
      const head = b.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
      const rows = b.rows.map((row) => `<tr>${row.map((cell) => `<td>${inline(cell)}</td>`).join('')}</tr>`);
      return `<div class="scroll"><table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
    }
    case 'code':
      return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
    case 'details':
      return `<details>\n<summary>${inline(b.summary)}</summary>\n${b.blocks.map(block).join('\n')}\n</details>`;
    case 'statechart':
      return [
        `<figure class="statechart" id="${escapeHtml(b.id)}">`,
        `<figcaption>${escapeHtml(b.title)}</figcaption>`,
        `<div class="diagram">${b.svg}</div>`,
        '<details class="source"><summary>Mermaid <code>stateDiagram-v2</code> source</summary>',
        `<pre><code>${escapeHtml(b.mermaid)}</code></pre>`,
        '</details>',
        '</figure>',
      ].join('\n');
    case 'sequence':
      return [
        `<figure class="sequence" id="${escapeHtml(b.id)}">`,
        `<figcaption>${escapeHtml(b.title)}</figcaption>`,
        `<div class="diagram">${b.svg}</div>`,
        '<details class="source"><summary>Mermaid <code>sequenceDiagram</code> source</summary>',
        `<pre><code>${escapeHtml(b.mermaid)}</code></pre>`,
        '</details>',
        '</figure>',
      ].join('\n');
  }
}

/** Text as HTML inline elements (also the summary of a <details> in report.md, where Markdown is not read). */
export function inline(text: Text): string {
  return spans(text)
    .map((s) => {
      if (typeof s === 'string') return escapeHtml(s);
      if ('code' in s) return `<code>${escapeHtml(s.code)}</code>`;
      if ('strong' in s) return `<strong>${escapeHtml(s.strong)}</strong>`;
      if ('em' in s) return `<em>${escapeHtml(s.em)}</em>`;
      return `<a href="#${escapeHtml(s.ref)}">${escapeHtml(s.text)}</a>`;
    })
    .join('');
}

const CSS = `
:root { color-scheme: light; --ink: #1d1d1f; --faint: #5f6368; --line: #d0d4da; --bad: #a50e0e; --good: #0b6b2b; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: white; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 28px; margin: 0 0 8px; }
h2 { font-size: 22px; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid var(--ink); }
h3 { font-size: 18px; margin: 28px 0 6px; }
h4 { font-size: 16px; margin: 20px 0 4px; }
nav ol { columns: 2; padding-left: 20px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 0 3px; border-radius: 3px; }
pre { background: var(--bg); padding: 10px 12px; overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; }
pre code { background: none; padding: 0; white-space: pre; }
.scroll { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td:first-child { white-space: nowrap; }
thead th { background: var(--bg); position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fbfbfc; }
details { margin: 8px 0; }
summary { cursor: pointer; }
details.source summary { color: var(--faint); }
figure { margin: 16px 0 32px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.diagram { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; padding: 8px; background: white; }
.diagram svg { display: block; max-width: none; height: auto; }
strong { font-weight: 650; }
@media print { details { display: block; } details > summary { display: none; } }
`
  .trim()
  .replace(/\n/g, ' ');
