// Events: the VM's timeline (start, QMP events, each stop step, exit), newest first.
import { useVmEvents } from '../../stores/vm-events';
import { formatDateTime } from '../../lib/format';
import { hintFor } from '../../lib/error-hints';
import type { VmEvent } from '../../../../shared/vm';

const EMPTY: VmEvent[] = [];
/** Events drawn at most (the newest); the Logs tab has them all, searchable. */
export const EVENTS_SHOWN = 500;

/** The Events tab. */
export function EventsTab({ name }: { name: string }) {
  const events = useVmEvents((s) => s.events[name] ?? EMPTY);
  const error = useVmEvents((s) => s.errors[name]);
  const shown = events.slice(-EVENTS_SHOWN).reverse();
  return (
    <div className="events-tab">
      {error && (
        <div className="inline-error" role="alert">
          Could not load the timeline: {error.message} {hintFor(error)}
        </div>
      )}
      {shown.length === 0 && !error && <p className="muted">No events yet. Start the VM to see its timeline.</p>}
      <ol className="timeline" data-testid="timeline">
        {shown.map((e, i) => (
          <li key={`${e.at}-${i}`} className={`timeline-item kind-${e.kind}`} data-testid="timeline-item">
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-body">
              <div className="timeline-head">
                <span className="timeline-type">{e.type}</span>
                <span className={`tag tag-${e.kind}`}>{e.kind}</span>
                <time className="muted small" dateTime={e.at}>
                  {formatDateTime(e.at)}
                </time>
              </div>
              <div className="timeline-message">{e.message}</div>
              {e.data && Object.keys(e.data).length > 0 && (
                <details className="timeline-details">
                  <summary>Details</summary>
                  <pre className="timeline-data">{JSON.stringify(e.data, null, 2)}</pre>
                </details>
              )}
            </div>
          </li>
        ))}
      </ol>
      {events.length > EVENTS_SHOWN && <p className="muted small">Showing the newest {EVENTS_SHOWN} of {events.length} events; the Logs tab has them all.</p>}
    </div>
  );
}
