// junit.xml of `vmdesk test`: one <testsuite>, one <testcase> per check per run, times in seconds,
// <failure message> for a failed check and <skipped/> for one not reached. Pure.
import type { TestReport } from '../../shared/test-report';

/** Escapes text for an XML attribute or element (and drops characters XML 1.0 cannot hold). Pure. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The JUnit XML for a report. Pure. */
export function junitXml(report: TestReport): string {
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const run of report.runs) {
    for (const c of run.checks) {
      const name = report.runs.length > 1 ? `${c.name} (run ${run.run})` : c.name;
      const open = `    <testcase classname="${xmlEscape(`vmdesk.${report.task}`)}" name="${xmlEscape(name)}" time="${seconds(c.durationMs)}"`;
      if (c.status === 'passed') cases.push(`${open}/>`);
      else if (c.status === 'skipped') {
        skipped++;
        cases.push(`${open}>\n      <skipped message="${xmlEscape(c.message)}"/>\n    </testcase>`);
      } else {
        failures++;
        const detail = run.consoleTail?.length ? `\n      <system-out>${xmlEscape(run.consoleTail.join('\n'))}</system-out>` : '';
        cases.push(`${open}>\n      <failure message="${xmlEscape(c.message)}" type="${c.kind}">${xmlEscape(c.message)}</failure>${detail}\n    </testcase>`);
      }
    }
  }
  const tests = cases.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${tests}" failures="${failures}" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${xmlEscape(`vmdesk test ${report.task}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}" timestamp="${xmlEscape(report.startedAt)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
