// Reads a Nomad job from text: HCL2 (through HashiCorp's parser) or API JSON. Every failure is a
// JobReadError with a line and column when the parser gives one; nothing here writes anything.
import { jobFromApiJson, looksLikeApiJson } from './from-api';
import { JobShapeError, jobFromHcl } from './from-hcl';
import { HclParseError, parseHcl } from './hcl';
import type { NomadJob } from './job-model';
import { indexLines } from './locate';

/** One problem that makes the job unreadable. */
export interface JobReadProblem {
  message: string;
  line?: number;
  column?: number;
  path?: string;
}

/** The job could not be read; `problems` lists every error the parser reported. */
export class JobReadError extends Error {
  constructor(
    readonly format: 'hcl' | 'json',
    readonly problems: JobReadProblem[],
  ) {
    super(problems.map((p) => (p.line ? `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}` : p.message)).join('\n'));
    this.name = 'JobReadError';
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses job text. JSON is recognised by its first character; anything else is HCL2. */
export async function readJob(text: string): Promise<NomadJob> {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return readJsonJob(body);
  let doc: Record<string, unknown>;
  try {
    doc = await parseHcl(body);
  } catch (err) {
    if (err instanceof HclParseError) {
      const problems = err.errors.length
        ? err.errors.map((e) => ({ message: e.message, line: e.line, column: e.column }))
        : [{ message: err.raw }];
      throw new JobReadError('hcl', problems);
    }
    throw err;
  }
  try {
    return { ...jobFromHcl(doc, indexLines(body)), sourceLines: body.split('\n') };
  } catch (err) {
    throw asShapeProblem('hcl', err);
  }
}

function readJsonJob(text: string): NomadJob {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = /at position (\d+)/.exec(message);
    const where = pos ? lineColumn(text, Number(pos[1])) : undefined;
    throw new JobReadError('json', [{ message: `invalid JSON: ${message}`, ...(where ?? {}) }]);
  }
  try {
    if (looksLikeApiJson(doc)) return jobFromApiJson(doc);
    // HCL's JSON syntax (`{"job": {"name": {...}}}`) has the same shape as hcl2json's output.
    const job = jobFromHcl(doc as Record<string, unknown>, new Map());
    return { ...job, format: 'json' };
  } catch (err) {
    throw asShapeProblem('json', err);
  }
}

function asShapeProblem(format: 'hcl' | 'json', err: unknown): unknown {
  if (!(err instanceof JobShapeError)) return err;
  const problem: JobReadProblem = { message: err.message };
  if (err.where?.line !== undefined) problem.line = err.where.line;
  if (err.where?.path) problem.path = err.where.path;
  return new JobReadError(format, [problem]);
}
