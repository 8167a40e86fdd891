// The inputs of `vmdesk test`: the checks (a --spec file, else the task's own `checks`), checked against the
// task's port_map. Every problem here is the user's input: TestInputError, exit 2.
import type { CheckSpec } from '../../shared/checks';
import { checkLabelsProblem, parseChecksFile } from '../../shared/checks';
import type { Task } from '../../shared/task';
import { readLimitedFile } from '../store/read-limited';

/** Most bytes a --spec file may have. */
export const SPEC_FILE_MAX_BYTES = 1024 * 1024;

/** Wrong input to `vmdesk test` (exit 2). */
export class TestInputError extends Error {}

/** Reads and validates a --spec file. */
export async function readSpecFile(path: string): Promise<CheckSpec[]> {
  const r = await readLimitedFile(path, SPEC_FILE_MAX_BYTES);
  if (!r.ok) throw new TestInputError(r.reason === 'missing' ? `spec file ${path} does not exist` : `spec file ${r.message}`);
  let data: unknown;
  try {
    data = JSON.parse(r.text);
  } catch (err) {
    throw new TestInputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseChecksFile(data);
  if (!parsed.ok) throw new TestInputError(`${path}: ${parsed.message}`);
  return parsed.checks;
}

/** The checks to run for `task` (spec file first), validated against its ports. */
export async function testChecks(task: Task, specFile: string | undefined): Promise<CheckSpec[]> {
  const checks = specFile !== undefined ? await readSpecFile(specFile) : (task.checks ?? []);
  if (checks.length === 0) {
    throw new TestInputError(
      specFile !== undefined
        ? `${specFile}: "checks" is empty; add at least one check`
        : `task "${task.name}" has no checks; add "checks" to its task file or give --spec FILE with { "checks": [...] }`,
    );
  }
  const problem = checkLabelsProblem(checks, task.config.port_map);
  if (problem) throw new TestInputError(problem);
  return checks;
}
