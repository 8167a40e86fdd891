// The toast stack: failures (what happened, what to do) and confirmations.
import { useNotices } from '../stores/notices';

/** The notices, newest last; each fades on its own, but not while the pointer or the focus is on it. */
export function Notices() {
  const notices = useNotices((s) => s.notices);
  const { dismiss, hold, release } = useNotices.getState();
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div
          key={n.id}
          className={`notice notice-${n.kind}`}
          role={n.kind === 'error' ? 'alert' : 'status'}
          data-testid={`notice-${n.kind}`}
          onMouseEnter={() => hold(n.id)}
          onMouseLeave={() => release(n.id)}
          onFocus={() => hold(n.id)}
          onBlur={() => release(n.id)}
        >
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
