// Shared set-up of the `vmdesk test` CLI tests (issue #16): spec files, the results a run leaves (report.json
// checked by its zod schema, junit.xml parsed by a real XML parser) and the "no VM left" assertion.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import { testReportSchema, type TestReport } from '../../src/shared/test-report';
import { pidsMentioning } from './cleanup';
import { json, vmdesk } from './cli';
import type { TempHome } from './temp-home';

/** Writes `{ "checks": [...] }` as `<name>.spec.json` in the home; returns its path. */
export function writeSpec(t: TempHome, name: string, checks: unknown[]): string {
  const path = join(t.home, `${name}.spec.json`);
  writeFileSync(path, JSON.stringify({ checks }));
  return path;
}

/** report.json of a results directory, validated by its schema. */
export function readReport(resultsDir: string): TestReport {
  return testReportSchema.parse(JSON.parse(readFileSync(join(resultsDir, 'report.json'), 'utf8')));
}

/** One <testcase> of junit.xml as fast-xml-parser reads it. */
export interface JunitCase {
  name: string;
  time: string;
  failure?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
  'system-out'?: string;
}

/** The testcases of a results directory's junit.xml. */
export function readJunitCases(resultsDir: string): JunitCase[] {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(
    readFileSync(join(resultsDir, 'junit.xml'), 'utf8'),
  );
  return xml.testsuites.testsuite.testcase as JunitCase[];
}

/** Asserts that no QEMU of this home runs and vmdesk lists no VM. */
export async function expectNoVms(t: TempHome): Promise<void> {
  expect(pidsMentioning(t.runtimeDir)).toEqual([]);
  const ls = json<{ vms: unknown[] }>(await vmdesk(['ls', '--json'], t.env));
  expect(ls.vms).toEqual([]);
}
