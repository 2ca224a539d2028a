/**
 * What every section of the review starts from: the site, the model, `kpm check`'s report on the
 * site, the specification, the statecharts, the golden scenarios, the test paths (if any), and the
 * replay files the sections add to.
 */
import type { Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import type { CheckReport } from '../check/report.ts';
import type { Coverage } from '../statecharts/coverage.ts';
import type { Chart } from './diagrams/chart.ts';
import type { GoldenScenario } from './golden.ts';
import type { ReplayFiles } from './replays.ts';
import type { Spec } from './spec.ts';
import type { TestPathSource } from './test-paths.ts';

export interface ReviewContext {
  topology: Topology;
  model: Model;
  /** Seed of the sampled property runs (coverage). */
  seed: number;
  /** `kpm check` on the site. */
  check: CheckReport;
  /** The statechart transitions `kpm check`'s run took on the site. */
  checkCoverage: Coverage;
  spec: Spec;
  charts: Chart[];
  golden: GoldenScenario[];
  /** Null when no paths generator is wired in. */
  paths: TestPathSource | null;
  replays: ReplayFiles;
}
