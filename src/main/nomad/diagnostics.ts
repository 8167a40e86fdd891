// Diagnostics: one per thing in a Nomad job that vmdesk changed, could not carry over, or refused.

/** How bad a diagnostic is: an error stops that task's import; the others are reported. */
export type Severity = 'error' | 'warning' | 'info';

/** One diagnostic about one item of the job. */
export interface Diagnostic {
  severity: Severity;
  /** Stable kind: artifact, template, service, check, constraint, non-qemu-task, unknown-key, not-applicable, interpolation, port, network, dns, invalid, renamed, image, ... */
  kind: string;
  message: string;
  /** The Nomad task it concerns (absent for job- or group-level items that concern every task). */
  task?: string;
  /** 1-based line in the job file, when known (HCL); API JSON has none. */
  line?: number;
  /** 1-based column, for syntax errors. */
  column?: number;
  /** Block path (HCL) or JSON path (API JSON) of the item. */
  path?: string;
  /** For artifacts: the URL to fetch the image from. */
  source?: string;
}

/** `line 12: message` (or the path when there is no line), for terminal output. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `line ${d.line}${d.column !== undefined ? `, column ${d.column}` : ''}` : d.path ? d.path : '';
  const task = d.task ? `task "${d.task}"` : '';
  const prefix = [where, task].filter(Boolean).join(', ');
  return `${d.severity}: ${prefix ? `${prefix}: ` : ''}${d.message}`;
}
