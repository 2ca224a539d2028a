/**
 * Safety (key-persistence.md, section 5, SEC): what must hold in every reachable state of every
 * site, checked on random sites and random traces of every event, refused ones included. One test
 * per record of the catalogue (src/catalogue/sec.ts), named by its ID and statement.
 */
import { describe, test } from 'vitest';
import { SEC } from '../src/catalogue/sec.ts';
import { assertHolds } from './harness.ts';

describe('SEC: safety in every reachable state', () => {
  for (const { id, statement, from } of SEC) {
    test(`${id} ${statement} (${from.join(', ')})`, () => {
      assertHolds(id);
    });
  }
});
