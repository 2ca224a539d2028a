/**
 * The review report as a document: headings, paragraphs, tables, diagrams, each section built once
 * from its data and rendered twice, to HTML (html.ts) and to Markdown (markdown.ts), so that the two
 * files say the same thing. Text is plain text everywhere here: the renderers escape it.
 */

/** A run of text: plain, code (ids, events, commands), strong, or a link to an anchor of the report. */
export type Span =
  string | { code: string } | { strong: string } | { em: string } | { ref: string; text: string };

export type Text = Span | readonly Span[];

export type Block =
  | { kind: 'heading'; level: 2 | 3 | 4; text: string; id: string }
  | { kind: 'paragraph'; text: Text }
  | { kind: 'list'; items: Text[] }
  | { kind: 'table'; head: string[]; rows: Text[][]; caption?: string }
  | { kind: 'code'; text: string }
  /** Collapsed in HTML (`<details>`), a titled part in Markdown. */
  | { kind: 'details'; summary: Text; blocks: Block[] }
  /** A statechart: its SVG (HTML) and its Mermaid `stateDiagram-v2` source (both). */
  | { kind: 'statechart'; id: string; title: string; svg: string; mermaid: string }
  /** A trace as a sequence diagram: its SVG (HTML) and its Mermaid `sequenceDiagram` source (both). */
  | { kind: 'sequence'; id: string; title: string; svg: string; mermaid: string };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReviewDocument {
  title: string;
  /** Under the title: what the report is about. */
  intro: Block[];
  sections: Section[];
}

export function spans(text: Text): readonly Span[] {
  return typeof text === 'string' || !Array.isArray(text) ? [text as Span] : (text as readonly Span[]);
}

/** The words of a text, without markup: for ids, tests and alt texts. */
export function plainText(text: Text): string {
  return spans(text)
    .map((s) =>
      typeof s === 'string' ? s : 'code' in s ? s.code : 'strong' in s ? s.strong : 'em' in s ? s.em : s.text,
    )
    .join('');
}

// --- builders ----------------------------------------------------------------------------------

export const code = (text: string): Span => ({ code: text });
export const strong = (text: string): Span => ({ strong: text });
export const em = (text: string): Span => ({ em: text });
export const ref = (anchor: string, text: string): Span => ({ ref: anchor, text });

export const heading = (level: 2 | 3 | 4, text: string, id: string): Block => ({
  kind: 'heading',
  level,
  text,
  id,
});
export const paragraph = (...text: Span[]): Block => ({ kind: 'paragraph', text });
export const list = (items: Text[]): Block => ({ kind: 'list', items });
export const table = (head: string[], rows: Text[][], caption?: string): Block => ({
  kind: 'table',
  head,
  rows,
  ...(caption === undefined ? {} : { caption }),
});
export const details = (summary: Text, blocks: Block[]): Block => ({ kind: 'details', summary, blocks });
export const codeBlock = (text: string): Block => ({ kind: 'code', text });

/** `a, b and c` as spans, each item as code. */
export function codeList(items: readonly string[], separator = ', '): Span[] {
  return items.flatMap((item, i) => (i === 0 ? [code(item)] : [separator, code(item)]));
}

/** An anchor id from words: `kp-10`, `statechart-host`. */
export function anchor(...words: string[]): string {
  return words
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
