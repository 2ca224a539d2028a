/**
 * The specification as the report reads it: every rule (KP, DOC, ASM) and property (SEC, AV, LV)
 * of `spec/key-persistence.md`, the repository's copy of `../shared/spec/key-persistence.md` (a test
 * keeps the two equal), with its text, in the spec's order. Nothing here is typed by hand: a rule
 * added to the spec shows up in the report.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { code, type Span } from './document.ts';

export const SPEC_FILE = fileURLToPath(new URL('../../spec/key-persistence.md', import.meta.url));

export type RuleFamily = 'KP' | 'DOC' | 'ASM';
export type PropertyFamily = 'SEC' | 'AV' | 'LV';

export interface SpecEntry {
  id: string;
  family: RuleFamily | PropertyFamily;
  /** The rule (for an ASM rule: its choice), or the property. */
  text: string;
  /** The other cells of its row: an ASM rule's default; a property's expected verdict and origin. */
  cells: string[];
}

export interface Spec {
  rules: SpecEntry[];
  properties: SpecEntry[];
}

const RULE_FAMILIES: readonly string[] = ['KP', 'DOC', 'ASM'];

/**
 * Every table row of the spec that starts with an ID, in document order. The rule or property is
 * the row's first text cell, except in section 4, whose rows are `| ASM-nn | default | choice |`.
 */
export function parseSpec(markdown: string): Spec {
  const entries = [...markdown.matchAll(/^\| ((KP|DOC|ASM|SEC|AV|LV)-\d\d) \|(.*)\|\s*$/gm)].map((m) => {
    const cells = m[3].split(' | ').map((c) => c.trim());
    const family = m[2] as SpecEntry['family'];
    const at = family === 'ASM' ? cells.length - 1 : 0;
    return { id: m[1], family, text: cells[at], cells: cells.filter((_, i) => i !== at) };
  });
  return {
    rules: entries.filter((e) => RULE_FAMILIES.includes(e.family)),
    properties: entries.filter((e) => !RULE_FAMILIES.includes(e.family)),
  };
}

let cached: Spec | undefined;

export function readSpec(): Spec {
  return (cached ??= parseSpec(readFileSync(SPEC_FILE, 'utf8')));
}

/** Every ID of the spec, rules then properties. */
export function specIds(spec: Spec = readSpec()): string[] {
  return [...spec.rules, ...spec.properties].map((e) => e.id);
}

/** The rule IDs a sentence cites, in order of appearance, each once: `(DOC-04)` → `['DOC-04']`. */
export function citedIds(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(?:KP|DOC|ASM|SEC|AV|LV)-\d\d\b/g)].map((m) => m[0]))];
}

/** Spec text with its `code` as code spans. */
export function specSpans(text: string): Span[] {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? code(part) : part))
    .filter((part) => part !== '');
}
