// Logs: QEMU's stderr and vmdesk's events, searchable and filterable, virtualised (only visible rows exist).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { VmInfo } from '../../../../shared/vm';
import { logLines, useLogs } from '../../stores/logs';
import { isActive } from '../../stores/vms';
import { useDebounced } from '../../components/hooks';
import { hintFor } from '../../lib/error-hints';
import { formatBytes } from '../../lib/format';
import type { LogSource } from '../../lib/log-lines';
import type { LogLineSource } from '../../lib/log-view';

/** Height of one log row in pixels (fixed, so a million rows need no measuring). */
export const LOG_ROW_HEIGHT = 18;
const POLL_MS = 1500;

/** The Logs tab. */
export function LogsTab({ vm }: { vm: VmInfo }) {
  const name = vm.name;
  const status = useLogs((s) => s.status[name]);
  const open = useLogs((s) => s.open);
  const poll = useLogs((s) => s.poll);
  const loadOlder = useLogs((s) => s.loadOlder);
  const active = isActive(vm);
  const [query, setQuery] = useState('');
  const [showStderr, setShowStderr] = useState(true);
  const [showEvents, setShowEvents] = useState(true);
  const [follow, setFollow] = useState(true);
  const debouncedQuery = useDebounced(query.replace(/\n/g, ''), 150);

  useEffect(() => {
    void open(name);
  }, [name, open]);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => void poll(name), POLL_MS);
    return () => clearInterval(t);
  }, [name, active, poll]);

  const lines = logLines(name);
  const version = status?.version ?? 0;
  const allSources = showStderr && showEvents;
  const indices = useMemo(() => {
    if (!lines || (debouncedQuery === '' && allSources)) return null;
    const allowed = new Set<LogSource>([...(showStderr ? ['stderr' as const] : []), ...(showEvents ? ['event' as const] : [])]);
    return lines.search(debouncedQuery, allowed);
    // version: the buffer is mutable; a new version means new lines to search.
  }, [lines, version, debouncedQuery, showStderr, showEvents, allSources]);
  const count = indices ? indices.length : (lines?.count ?? 0);

  return (
    <div className="logs-tab">
      <div className="toolbar">
        <input
          id="log-search"
          type="search"
          className="search"
          placeholder="Search logs (Ctrl+F)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Search logs"
          data-testid="log-search"
        />
        <label className="check">
          <input type="checkbox" checked={showStderr} onChange={(e) => setShowStderr(e.target.checked)} /> QEMU output
        </label>
        <label className="check">
          <input type="checkbox" checked={showEvents} onChange={(e) => setShowEvents(e.target.checked)} /> vmdesk events
        </label>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className="toolbar-spacer" />
        <span className="muted small" data-testid="log-count">
          {indices ? `${count.toLocaleString('en-US')} of ${(lines?.count ?? 0).toLocaleString('en-US')} lines` : `${count.toLocaleString('en-US')} lines`}
        </span>
      </div>
      {status?.loading && status.totalBytes > 0 && (
        <div className="progress-block">
          <div className="progress-label">
            Loading QEMU’s log: {formatBytes(status.loadedBytes)} of {formatBytes(status.totalBytes)}
          </div>
          <progress max={status.totalBytes} value={status.loadedBytes} />
        </div>
      )}
      {status?.error && (
        <div className="inline-error" role="alert">
          Could not read QEMU’s log: {status.error.message} {hintFor(status.error)}
        </div>
      )}
      {status && status.olderBytes > 0 && !status.loading && (
        <div className="logs-older muted small" data-testid="log-older">
          Older lines not loaded yet ({formatBytes(status.olderBytes)} before these){indices ? '; search covers the loaded lines' : ''}.{' '}
          <button type="button" className="link" data-testid="log-load-older" disabled={status.loadingOlder} onClick={() => void loadOlder(name)}>
            {status.loadingOlder ? 'Loading…' : 'Load older lines'}
          </button>{' '}
          (or scroll to the top)
        </div>
      )}
      {lines && (
        <LogViewport
          lines={lines}
          indices={indices}
          count={count}
          version={version}
          query={debouncedQuery}
          follow={follow}
          olderCount={lines.olderCount}
          numbered={!status || status.olderBytes === 0}
          onUserScrollUp={() => setFollow(false)}
          onNearTop={() => {
            if (status && status.olderBytes > 0) void loadOlder(name);
          }}
        />
      )}
    </div>
  );
}

function LogViewport(props: {
  lines: LogLineSource;
  indices: Uint32Array | null;
  count: number;
  version: number;
  query: string;
  follow: boolean;
  /** Lines of older pages in front of the tail: when it grows, the view stays on the same lines. */
  olderCount: number;
  /** Line numbers are known only once the log is loaded from its start. */
  numbered: boolean;
  onUserScrollUp: () => void;
  onNearTop: () => void;
}) {
  const { lines, indices, count, version, query, follow, olderCount, numbered, onUserScrollUp, onNearTop } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const lastTop = useRef(0);
  const lastOlder = useRef(olderCount);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => LOG_ROW_HEIGHT,
    overscan: 20,
  });

  useEffect(() => {
    if (follow && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, version, virtualizer]);

  // Older lines put in front: keep the same lines on screen (unfiltered view; a filtered one is re-searched).
  useLayoutEffect(() => {
    const added = olderCount - lastOlder.current;
    lastOlder.current = olderCount;
    const el = scroller.current;
    if (added > 0 && el && !indices && !follow) {
      el.scrollTop += added * LOG_ROW_HEIGHT;
      lastTop.current = el.scrollTop;
    }
  }, [olderCount, indices, follow]);

  const items = virtualizer.getVirtualItems();
  return (
    <div
      className="log-viewport"
      ref={scroller}
      tabIndex={0}
      role="log"
      aria-label="Log lines"
      data-testid="log-viewport"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        if (top < lastTop.current - 4 && follow) onUserScrollUp();
        if (top < LOG_ROW_HEIGHT * 10) onNearTop(); // older lines, if any are not loaded yet
        lastTop.current = top;
      }}
    >
      {count === 0 && <div className="log-empty muted">{query ? 'No line matches.' : 'Nothing logged yet.'}</div>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const i = indices ? indices[item.index]! : item.index;
          const source = lines.source(i);
          return (
            <div
              key={item.key}
              className={`log-row log-${source}`}
              data-testid="log-row"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: LOG_ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              <span className="log-no">{numbered ? i + 1 + lines.dropped : '·'}</span>
              <Highlighted text={lines.line(i)} query={query} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The line with each case-insensitive occurrence of `query` marked. */
function Highlighted({ text, query }: { text: string; query: string }) {
  if (!query) return <span className="log-text">{text}</span>;
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0 && lower.length === text.length; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return <span className="log-text">{parts}</span>;
}
