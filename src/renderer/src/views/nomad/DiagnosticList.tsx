// A list of Nomad import diagnostics: severity, where in the job file (line:column, or the JSON path), message.
import type { ImportDiagnostic } from '../../../../shared/ipc-contract';

/** Where a diagnostic points: `line 24:26`, `line 21`, the JSON path, or nothing. */
export function diagnosticPlace(d: ImportDiagnostic): string {
  if (d.line !== undefined) return d.column !== undefined ? `line ${d.line}:${d.column}` : `line ${d.line}`;
  return d.path ?? '';
}

/** The diagnostics, errors first; nothing when there are none. */
export function DiagnosticList({ items, testId }: { items: readonly ImportDiagnostic[]; testId?: string }) {
  if (items.length === 0) return null;
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...items].sort((a, b) => rank[a.severity] - rank[b.severity] || (a.line ?? 0) - (b.line ?? 0));
  return (
    <ul className="diagnostics" data-testid={testId}>
      {sorted.map((d, i) => (
        <li key={i} className={`diagnostic diagnostic-${d.severity}`} data-testid="diagnostic" data-severity={d.severity}>
          <span className={`sev sev-${d.severity}`}>{d.severity}</span>
          {diagnosticPlace(d) && <span className="diag-place">{diagnosticPlace(d)}</span>}
          <span className="diag-message">{d.message}</span>
        </li>
      ))}
    </ul>
  );
}
