// HCL2 parsing with HashiCorp's own hcl library (Go, compiled to WASM in @cdktf/hcl2json), and its
// error messages turned into line:column diagnostics. The library is loaded on first use (it starts a
// WASM runtime), so commands that never read HCL do not pay for it.
import { createRequire } from 'node:module';

/** One HCL syntax error with its position (1-based), as HashiCorp's hcl library reported it. */
export interface HclSyntaxError {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The library's summary and detail, e.g. "Unexpected comma after argument; Argument definitions must be ...". */
  message: string;
}

/** Thrown when the text is not valid HCL2; carries every error the parser found. */
export class HclParseError extends Error {
  constructor(
    readonly errors: HclSyntaxError[],
    readonly raw: string,
  ) {
    super(errors.length > 0 ? errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n') : raw);
    this.name = 'HclParseError';
  }
}

type Hcl2Json = { parse(filename: string, contents: string): Promise<Record<string, unknown>> };
let library: Hcl2Json | undefined;

function hcl2json(): Hcl2Json {
  library ??= createRequire(import.meta.url)('@cdktf/hcl2json') as Hcl2Json;
  return library;
}

// The name we give the parser for the text; it prefixes every error range ("<name>:L,C-C: ..."), so it must
// be a string that cannot be confused with message text.
const SOURCE_NAME = 'vmdesk-job.hcl';

/**
 * Parses HCL2 text into hcl2json's JSON form: blocks become objects keyed by type, then by each label,
 * holding a list of bodies (one per occurrence); unlabelled blocks are lists of bodies; attributes are
 * plain values. Expressions that are not literals (`${...}` templates, `var.x`, function calls) come back as
 * strings in `${...}` form, and template escapes (`$${`, `%%{`) are kept as written.
 */
export async function parseHcl(text: string): Promise<Record<string, unknown>> {
  try {
    return await hcl2json().parse(SOURCE_NAME, text);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    throw new HclParseError(parseHclErrorMessage(raw), raw);
  }
}

/**
 * Splits the library's error text ("parse config: [NAME:24,26-27: Summary; Detail. NAME:5,1-2: ...]")
 * into positioned errors. A range is `L,C-C` on one line or `L,C-L,C` across lines.
 */
export function parseHclErrorMessage(raw: string, sourceName = SOURCE_NAME): HclSyntaxError[] {
  const body = raw.replace(/^parse config: \[/, '').replace(/\]\s*$/, '');
  const escaped = sourceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const marker = new RegExp(`${escaped}:(\\d+),(\\d+)-(?:(\\d+),)?(\\d+): `, 'g');
  const starts: Array<{ index: number; end: number; m: RegExpExecArray }> = [];
  for (let m = marker.exec(body); m; m = marker.exec(body)) starts.push({ index: m.index, end: marker.lastIndex, m });
  return starts.map((s, i) => {
    const text = body.slice(s.end, i + 1 < starts.length ? starts[i + 1]!.index : body.length).trim();
    const line = Number(s.m[1]);
    return {
      line,
      column: Number(s.m[2]),
      endLine: s.m[3] === undefined ? line : Number(s.m[3]),
      endColumn: Number(s.m[4]),
      message: text,
    };
  });
}
