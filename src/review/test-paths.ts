/**
 * Where the report meets `kpm paths` (model-based test paths, interface.md): the traceability
 * matrix's "test path" column and the coverage section's "test paths" column read a site's paths
 * through this interface only: `kpm report` gives `buildReview` the paths of src/paths/review-source.ts;
 * without a generator both columns say "not available". The report replays `paths()` under the
 * coverage recorder itself, and shows `shortestForRule(rule)` in the matrix.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';

export interface TestPath {
  /** `p1`. */
  id: string;
  /** From the steady initial state. */
  events: KpmEvent[];
  /** What it covers, in the generator's words: transition ids, rule IDs. */
  covers: string[];
}

export interface TestPathSource {
  /** How the paths were made, shown in the report: `kpm paths --cover rules`. */
  name: string;
  /** Every path of the suite (for coverage). */
  paths(): TestPath[];
  /** The shortest path that shows the rule on the site, or null when no path does. */
  shortestForRule(rule: string): TestPath | null;
}

/** Makes the paths of a site; null when there is no generator. */
export type TestPathGenerator = (topology: Topology) => TestPathSource | null;

/** No generator: the report says "not available". */
export const noTestPaths: TestPathGenerator = () => null;

export const NOT_AVAILABLE = 'not available (no test paths were generated)';
