// The toast stack: failures (what happened, what to do) and confirmations.
import { useNotices } from '../stores/notices';

/** The notices, newest last; errors stay until dismissed. */
export function Notices() {
  const notices = useNotices((s) => s.notices);
  const dismiss = useNotices((s) => s.dismiss);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <div className="notice-text">
            <strong>{n.title}</strong>
            {n.message && <div className="notice-message">{n.message}</div>}
            {n.hint && <div className="notice-hint">{n.hint}</div>}
          </div>
          <button type="button" className="btn-icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
