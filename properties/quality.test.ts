/**
 * The quality tier: the suites must catch every planted bug of test/mutants, shrink it to a known
 * minimal counterexample, and pass with the production model on the same site. A mutant that
 * survives, or a counterexample that does not shrink to its length, is a weakness of the suite (its
 * generators, its weights, its shrinking, or the property itself).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { KpmEvent } from '../models/events.ts';
import { formatEvent } from '../src/events.ts';
import { MUTANTS } from '../test/mutants/index.ts';
import type { Scenario } from './arbitraries.ts';
import { assertHoldsOn, checkHolds, checkHoldsOn, holds } from './harness.ts';
import { failureReport } from './report.ts';

const trace = (events: readonly KpmEvent[]) =>
  events.map(formatEvent).join(', ') || '(none: the initial state)';

/** The shrunk counterexample of a run that must have failed. */
function counterexample(details: fc.RunDetails<[Scenario]>, missed: string): Scenario {
  expect(details.failed, missed).toBe(true);
  const found = details.counterexample?.[0];
  if (found === undefined) throw new Error(failureReport(details));
  return found;
}

describe('quality: every planted bug is caught with a minimal counterexample', () => {
  for (const mutant of MUTANTS) {
    /**
     * On random sites, the property's suite (the very check code of the suites, run on the mutant)
     * finds the bug, never with fewer events than the minimum; on the mutant's small site it shrinks
     * it to exactly the minimum. Production passes both counterexamples and random traces on both sites.
     */
    test(`${mutant.name} is caught by ${mutant.caughtBy} in ${mutant.expectedLength} events`, () => {
      const missed = `${mutant.caughtBy} misses ${mutant.name}: ${mutant.description}`;

      const random = counterexample(checkHolds(mutant.caughtBy, mutant.model), `${missed} (random sites)`);
      expect(
        random.events.length,
        `shorter than the minimum: ${trace(random.events)}`,
      ).toBeGreaterThanOrEqual(mutant.expectedLength);

      const details = checkHoldsOn(mutant.site, mutant.caughtBy, mutant.model);
      const small = counterexample(details, `${missed} (site ${mutant.site.name})`);
      expect(small.events.length, `shrunk to ${trace(small.events)}\n\n${failureReport(details)}`).toBe(
        mutant.expectedLength,
      );

      // The bug is the mutant's: production passes the same traces and random ones on the same sites.
      for (const found of [random, small]) {
        expect(() => holds(mutant.caughtBy)(found)).not.toThrow();
        assertHoldsOn(found.topology, mutant.caughtBy);
      }
    });
  }
});
