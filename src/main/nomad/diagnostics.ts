// Diagnostics: one per thing in a Nomad job that vmdesk changed, could not carry over, or refused.
import type { ImportDiagnostic } from '../../shared/ipc-contract';

/** One diagnostic about one item of the job (the IPC contract's type: the app shows the same diagnostics). */
export type Diagnostic = ImportDiagnostic;

/** How bad a diagnostic is: an error stops that task's import; the others are reported. */
export type Severity = Diagnostic['severity'];

/** `line 12: message` (or the path when there is no line), for terminal output. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `line ${d.line}${d.column !== undefined ? `, column ${d.column}` : ''}` : d.path ? d.path : '';
  const task = d.task ? `task "${d.task}"` : '';
  const prefix = [where, task].filter(Boolean).join(', ');
  return `${d.severity}: ${prefix ? `${prefix}: ` : ''}${d.message}`;
}
