/**
 * The review document as Markdown for code hosts (GitHub, GitLab): the same content as the HTML,
 * diagrams as fenced `mermaid` blocks, collapsed parts as `<details>`, which both hosts render.
 */
import { spans, type Block, type ReviewDocument, type Text } from './document.ts';
import { escapeHtml, inline as inlineHtml } from './html.ts';

export function renderMarkdown(doc: ReviewDocument): string {
  const toc = doc.sections.map((s, i) => `${i + 1}. [${escapeText(s.title)}](#${s.id})`);
  const parts = [
    `# ${escapeText(doc.title)}`,
    ...doc.intro.map(block),
    toc.join('\n'),
    ...doc.sections.flatMap((s, i) => [
      `<a id="${s.id}"></a>\n\n## ${i + 1}. ${escapeText(s.title)}`,
      ...s.blocks.map(block),
    ]),
  ];
  return `${parts.join('\n\n')}\n`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<a id="${b.id}"></a>\n\n${'#'.repeat(b.level)} ${escapeText(b.text)}`;
    case 'paragraph':
      return inline(b.text);
    case 'list':
      return b.items.map((item) => `- ${inline(item)}`).join('\n');
    case 'table': {
      const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
      const caption = b.caption === undefined ? [] : [`**${escapeText(b.caption)}**`, ''];
      return [
        ...caption,
        line(b.head.map((h) => cell(escapeText(h)))),
        line(b.head.map(() => '---')),
        ...b.rows.map((row) => line(row.map((c) => cell(inline(c))))),
      ].join('\n');
    }
    case 'code':
      return fence('text', b.text);
    case 'details':
      // Markdown inside <details> needs blank lines around it.
      return [
        `<details>\n<summary>${inlineHtml(b.summary)}</summary>`,
        ...b.blocks.map(block),
        '</details>',
      ].join('\n\n');
    case 'statechart':
      return `**${escapeText(b.title)}**\n\n${fence('mermaid', b.mermaid)}`;
    case 'sequence':
      return `**${escapeText(b.title)}**\n\n${fence('mermaid', b.mermaid)}`;
  }
}

/** A fenced block, with a fence longer than any run of backticks inside it. */
function fence(lang: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${lang}\n${text}\n${marks}`;
}

function inline(text: Text): string {
  return spans(text)
    .map((s) => {
      if (typeof s === 'string') return escapeText(s);
      if ('code' in s) return codeSpan(s.code);
      if ('strong' in s) return `**${escapeText(s.strong)}**`;
      if ('em' in s) return `_${escapeText(s.em)}_`;
      return `[${escapeText(s.text)}](#${s.ref})`;
    })
    .join('');
}

/** Text with Markdown's and HTML's special characters escaped; line breaks become spaces. */
export function escapeText(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/([\\`*_[\]#+!~>-])/g, (c: string, _m: string, offset: number, whole: string) =>
      // Plain hyphens and brackets inside words read fine; escape those that could start markup.
      needsEscape(c, offset, whole) ? `\\${c}` : c,
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

function needsEscape(c: string, offset: number, whole: string): boolean {
  if ('\\`*_[]~'.includes(c)) return true;
  // `#`, `+`, `-`, `>` and `!` only matter at the start of a line (or `![`).
  if ('#+->'.includes(c)) return offset === 0;
  if (c === '!') return whole[offset + 1] === '[';
  return false;
}

/** Inline code: a run of backticks longer than any inside, padded when the code starts or ends with one. */
function codeSpan(text: string): string {
  const flat = text.replace(/\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${marks}${pad}${flat}${pad}${marks}`;
}

/** A table cell: a pipe would end it; it must stay on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
