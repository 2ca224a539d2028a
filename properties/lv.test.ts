/**
 * Liveness (key-persistence.md, section 5, LV): whatever happened, an operator can bring the site
 * back. One test per record of the catalogue (src/catalogue/lv.ts).
 */
import { describe, test } from 'vitest';
import { LV } from '../src/catalogue/lv.ts';
import { assertHolds } from './harness.ts';

describe('LV: recovery', () => {
  for (const { id, statement, from } of LV) {
    test(`${id} ${statement} (${from.join(', ')})`, () => {
      assertHolds(id);
    });
  }
});
