/**
 * The test paths as `kpm report` reads them (src/review/test-paths.ts): the `transitions` suite for
 * the coverage section, and for each rule the shortest path of the `rules` suite that shows it, cut
 * at the step that shows it.
 */
import type { Topology } from '../../models/topology.ts';
import type { TestPath as ReviewPath, TestPathSource } from '../review/test-paths.ts';
import { generatePaths, prepareSite, type PreparedSite } from './generate.ts';
import type { PathSuite } from './suite.ts';

export function reviewTestPaths(topology: Topology): TestPathSource {
  let site: PreparedSite | null = null;
  const prepared = () => (site ??= prepareSite(topology));
  let transitions: ReviewPath[] | null = null;
  let byRule: Map<string, ReviewPath> | null = null;
  return {
    name: 'kpm paths --cover transitions (coverage), --cover rules (matrix)',
    paths: () =>
      (transitions ??= asReviewPaths(
        generatePaths(prepared(), { cover: 'transitions', comparisons: false }),
      )),
    shortestForRule: (rule) =>
      (byRule ??= shortestByRule(generatePaths(prepared(), { cover: 'rules' }))).get(rule) ?? null,
  };
}

function asReviewPaths(suite: PathSuite): ReviewPath[] {
  return suite.paths.map((p) => ({ id: p.id, events: p.steps.map((s) => s.event), covers: p.covers }));
}

/** Each rule's path, up to the step that shows it (the first such step of the suite is its shortest). */
function shortestByRule(suite: PathSuite): Map<string, ReviewPath> {
  const found = new Map<string, ReviewPath>();
  for (const path of suite.paths) {
    path.steps.forEach((step, k) => {
      for (const rule of step.covers ?? []) {
        if (found.has(rule)) continue;
        found.set(rule, {
          id: path.id,
          events: path.steps.slice(0, k + 1).map((s) => s.event),
          covers: [rule],
        });
      }
    });
  }
  return found;
}
