/**
 * `kpm paths --run --junit FILE`: one JUnit test case per path, for CI systems: a failing path is a
 * failure with its first divergence, an inconclusive one is skipped with its reason.
 */
import { formatEvent } from '../events.ts';
import type { RunReport } from './run.ts';
import type { PathSuite } from './suite.ts';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function pathsJunit(suite: PathSuite, report: RunReport): string {
  const suiteName = `kpm paths ${report.topology} --cover ${report.cover}`;
  const cases = report.paths.map((result) => {
    const path = suite.paths.find((p) => p.id === result.id);
    const name = escape(`${result.id} (${path?.steps.length ?? 0} steps)`);
    const open = `    <testcase classname="kpm.paths.${escape(report.topology)}.${report.cover}" name="${name}" time="${(result.elapsedMs / 1000).toFixed(3)}">`;
    if (result.verdict === 'pass') return `${open}</testcase>`;
    if (result.verdict === 'inconclusive')
      return `${open}\n      <skipped message="${escape(result.reason ?? 'inconclusive')}"/>\n    </testcase>`;
    const d = result.divergence;
    const where = d?.event ? `step ${d.step}, ${formatEvent(d.event)}` : 'right after the reset';
    const lines = (d?.diff ?? []).map(
      (f) => `${f.field}: expected ${JSON.stringify(f.expected)}, observed ${JSON.stringify(f.observed)}`,
    );
    const events = (d?.events ?? []).map(formatEvent).join(', ');
    return `${open}\n      <failure message="${escape(`diverges at ${where}`)}">${escape([...lines, `events: ${events}`].join('\n'))}</failure>\n    </testcase>`;
  });
  const notRun = report.broken
    ? [
        `    <testcase classname="kpm.paths.${escape(report.topology)}.${report.cover}" name="adapter">\n      <error message="${escape(report.broken)}"/>\n    </testcase>`,
      ]
    : [];
  const tests = cases.length + notRun.length;
  const failures = report.failed;
  const errors = notRun.length;
  const skipped = report.inconclusive;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${escape(suiteName)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(report.elapsedMs / 1000).toFixed(3)}">`,
    ...cases,
    ...notRun,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
