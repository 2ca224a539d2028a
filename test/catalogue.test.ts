/**
 * The property catalogue (src/catalogue/) against the specification: one record per property ID
 * of key-persistence.md, section 5, with its statement, its "Expected" column and the rules it
 * comes from word for word, in the spec's order; no record without a spec ID; every rule a record
 * cites is a rule of the spec.
 *
 * The specification lives beside the repository (../shared/spec/); spec/ holds the copy these
 * tests read, so that they run wherever the repository is cloned, and a test keeps it equal to
 * the original where that is at hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { PROPERTIES } from '../src/catalogue/catalogue.ts';

const COPY = fileURLToPath(new URL('../spec/key-persistence.md', import.meta.url));
const ORIGINAL = fileURLToPath(new URL('../../shared/spec/key-persistence.md', import.meta.url));
const spec = readFileSync(COPY, 'utf8');

/** The rows of section 5's tables: ID, statement, "Expected" (AV and LV tables only), "From". */
function specProperties(): { id: string; statement: string; expected?: string; from: string[] }[] {
  const section = spec.slice(spec.indexOf('## 5.'), spec.indexOf('## 6.'));
  return [...section.matchAll(/^\| ((?:SEC|AV|LV)-\d\d) \| (.+) \|$/gm)].map(([, id, rest]) => {
    const cells = rest.split(' | ');
    const from = cells.pop()?.split(', ') ?? [];
    const [statement, expected] = cells;
    return { id, statement, ...(expected === undefined ? {} : { expected }), from };
  });
}

/** The rule IDs of sections 2 to 4 (KP, DOC, ASM). */
const RULES = new Set([...spec.matchAll(/^\| ((?:KP|DOC|ASM)-\d\d) \|/gm)].map((m) => m[1]));

describe('the property catalogue is the specification', () => {
  const rows = specProperties();

  test('the spec has properties to compare with', () => {
    expect(rows.length).toBeGreaterThan(15);
    expect(RULES.size).toBeGreaterThan(30);
  });

  test('one record per property ID of the spec, in its order, and none other', () => {
    expect(PROPERTIES.map((p) => p.id)).toEqual(rows.map((r) => r.id));
  });

  test.each(rows)('$id: statement, expected column and rules word for word', (row) => {
    const record = PROPERTIES.find((p) => p.id === row.id);
    expect({ statement: record?.statement, expected: record?.expected, from: record?.from }).toEqual({
      statement: row.statement,
      expected: row.expected,
      from: row.from,
    });
  });

  test('every rule a record comes from is a rule of the spec', () => {
    const cited = PROPERTIES.flatMap((p) => p.from);
    expect(cited.filter((id) => !RULES.has(id))).toEqual([]);
  });
});

describe('spec/ is a faithful copy', () => {
  // Beside a clone that has no ../shared (a CI machine, say), there is nothing to compare with.
  test.skipIf(!existsSync(ORIGINAL))(
    'spec/key-persistence.md equals ../shared/spec/key-persistence.md',
    () => {
      expect(spec).toBe(readFileSync(ORIGINAL, 'utf8'));
    },
  );
});
