/**
 * `kpm check --junit FILE`: one JUnit test case per property and subject, for CI systems. The same
 * report gives the same bytes: the time taken is there only when asked for (`--timings`).
 */
import { formatEvent } from '../events.ts';
import type { CheckReport } from './report.ts';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(report: CheckReport, timings = false): string {
  const failures = report.properties.filter((r) => !r.asExpected).length;
  const cases = report.properties.map((r) => {
    const name = escape(r.subject ? `${r.id} ${r.subject}` : r.id);
    const trace = r.trace ? ` trace: ${r.trace.map(formatEvent).join(', ')}` : '';
    const body = r.asExpected
      ? ''
      : `\n      <failure message="${escape(`expected ${r.expected}, got ${r.result}`)}">${escape(r.evidence + trace)}</failure>\n    `;
    return `    <testcase classname="kpm.check.${escape(report.topology)}" name="${name}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.properties.length}" failures="${failures}">`,
    `  <testsuite name="kpm check ${escape(report.topology)}" tests="${report.properties.length}" failures="${failures}"${timings ? ` time="${(report.elapsedMs / 1000).toFixed(3)}"` : ''}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
