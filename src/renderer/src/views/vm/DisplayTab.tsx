// Display: the VM's screen through noVNC. The page asks main for a one-use ws://127.0.0.1 URL (displayOpen);
// main's bridge pipes it to QEMU's VNC unix socket. Keyboard and mouse go to the guest while the screen has
// focus; key combinations the host would take (Ctrl+Alt+Del, Ctrl+Alt+F1...) are buttons (QMP send-key).
// The clipboard crosses only when the user asks: text typed here is sent, the guest's is shown on request.
import { useEffect, useRef, useState } from 'react';
import RFB from '@novnc/novnc';
import type { VmInfo } from '../../../../shared/vm';
import type { ErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { hintFor } from '../../lib/error-hints';
import { reportError, reportSuccess } from '../../stores/notices';

/** The key buttons: label and the QEMU chord they send. */
export const KEY_BUTTONS: ReadonlyArray<{ label: string; keys: string }> = [
  { label: 'Ctrl+Alt+Del', keys: 'ctrl-alt-delete' },
  { label: 'Ctrl+Alt+F1', keys: 'ctrl-alt-f1' },
  { label: 'Ctrl+Alt+F2', keys: 'ctrl-alt-f2' },
  { label: 'Ctrl+Alt+Backspace', keys: 'ctrl-alt-backspace' },
  { label: 'Alt+Tab', keys: 'alt-tab' },
  { label: 'Esc', keys: 'esc' },
  { label: 'PrtSc', keys: 'print' },
];

type Status = 'connecting' | 'connected' | 'disconnected';

/** The Display tab. */
export function DisplayTab({ vm }: { vm: VmInfo }) {
  const screen = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const [error, setError] = useState<ErrorData | undefined>();
  const [scale, setScale] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const [clipboardOpen, setClipboardOpen] = useState(false);
  const [toGuest, setToGuest] = useState('');
  const [fromGuest, setFromGuest] = useState<string | undefined>();
  const running = vm.state === 'running' || vm.state === 'paused';
  const name = vm.name;

  useEffect(() => {
    if (!running) return;
    let rfb: RFB | undefined;
    let cancelled = false;
    setStatus('connecting');
    setError(undefined);
    void call((a) => a.displayOpen({ name })).then((r) => {
      if (cancelled) return;
      if (!r.ok) {
        setError(r.error);
        setStatus('disconnected');
        return;
      }
      rfb = new RFB(screen.current!, r.value.url, { shared: true, wsProtocols: ['binary'] });
      rfb.scaleViewport = scale;
      rfb.background = 'var(--term-bg)';
      rfb.addEventListener('connect', () => setStatus('connected'));
      rfb.addEventListener('disconnect', () => setStatus('disconnected'));
      // The guest's clipboard is kept here, shown only when the user opens the clipboard panel.
      rfb.addEventListener('clipboard', (e) => setFromGuest((e as CustomEvent<{ text: string }>).detail.text));
      rfbRef.current = rfb;
    });
    return () => {
      cancelled = true;
      rfb?.disconnect();
      rfbRef.current = null;
    };
    // `scale` is left out on purpose: its own effect applies it without reconnecting.
  }, [name, running, attempt]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale;
  }, [scale]);

  const keys = async (chord: string) => {
    const r = await call((a) => a.sendKeys({ name, keys: [chord] }));
    if (!r.ok) reportError('Keys not sent', r.error);
    rfbRef.current?.focus();
  };
  const screenshot = async () => {
    const r = await call((a) => a.takeScreenshot({ name }));
    if (!r.ok) reportError('Screenshot failed', r.error);
    else if (r.value.path) reportSuccess('Screenshot saved', r.value.path);
  };

  if (!running) return <div className="display-tab muted">The VM is not running: start it to see its screen.</div>;

  return (
    <div className="display-tab">
      <div className="toolbar" role="toolbar" aria-label="Display">
        <span className={`display-status ${status}`} data-testid="display-status">
          {status === 'connected' ? 'Connected' : status === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </span>
        {status === 'disconnected' && (
          <button type="button" className="btn btn-small" onClick={() => setAttempt((n) => n + 1)}>
            Reconnect
          </button>
        )}
        <label className="check">
          <input type="checkbox" checked={scale} onChange={(e) => setScale(e.target.checked)} /> Scale to window
        </label>
        <span className="toolbar-spacer" />
        {KEY_BUTTONS.map((b) => (
          <button key={b.keys} type="button" className="btn btn-small" onClick={() => void keys(b.keys)} data-testid={`keys-${b.keys}`}>
            {b.label}
          </button>
        ))}
        <button type="button" className="btn btn-small" aria-expanded={clipboardOpen} onClick={() => setClipboardOpen((o) => !o)}>
          Clipboard…
        </button>
        <button type="button" className="btn btn-small" onClick={() => void screenshot()} data-testid="display-screenshot">
          Screenshot
        </button>
      </div>
      {error && (
        <div className="inline-error" role="alert">
          {error.message} {hintFor(error)}
        </div>
      )}
      {clipboardOpen && (
        <div className="display-clipboard">
          <label>
            Text to send to the guest&apos;s clipboard
            <textarea value={toGuest} onChange={(e) => setToGuest(e.target.value)} rows={2} />
          </label>
          <button type="button" className="btn btn-small" disabled={!toGuest || status !== 'connected'} onClick={() => rfbRef.current?.clipboardPasteFrom(toGuest)}>
            Send to guest
          </button>
          <div className="muted small">Guest clipboard: {fromGuest === undefined ? 'nothing received' : <code>{fromGuest}</code>}</div>
        </div>
      )}
      <div className="display-screen" ref={screen} data-testid="display-screen" />
      <div className="muted small">Click the screen to type into the guest; keys go to it while it has focus.</div>
    </div>
  );
}
