// Snapshots: the VM's internal qcow2 snapshots (time, VM state size, guest clock), Save with a tag, and
// Restore / Delete each behind an inline confirmation. Running VM: with its memory; stopped: disk only.
import { useCallback, useEffect, useState } from 'react';
import type { Snapshot } from '../../../../shared/snapshot';
import type { VmInfo } from '../../../../shared/vm';
import type { ErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { formatBytes } from '../../lib/format';
import { hintFor } from '../../lib/error-hints';
import { reportSuccess } from '../../stores/notices';

type Confirm = { tag: string; op: 'restore' | 'delete' } | undefined;

/** The Snapshots tab. */
export function SnapshotsTab({ vm }: { vm: VmInfo }) {
  const name = vm.name;
  const [snaps, setSnaps] = useState<Snapshot[] | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<Confirm>();
  const running = vm.state === 'running' || vm.state === 'paused';

  const load = useCallback(async () => {
    const r = await call((a) => a.listSnapshots({ name }));
    if (r.ok) {
      setSnaps(r.value);
      setError(undefined);
    } else {
      setSnaps([]);
      setError(r.error);
    }
  }, [name]);

  useEffect(() => {
    void load();
  }, [load, vm.state]);

  const act = async (op: 'save' | 'restore' | 'delete', t: string) => {
    setBusy(`${op}:${t}`);
    setConfirm(undefined);
    const r = await call((a) => (op === 'save' ? a.saveSnapshot({ name, tag: t }) : op === 'restore' ? a.restoreSnapshot({ name, tag: t }) : a.deleteSnapshot({ name, tag: t })));
    setBusy(undefined);
    if (!r.ok) return setError(r.error);
    setError(undefined);
    if (op === 'save') setTag('');
    reportSuccess(op === 'save' ? 'Snapshot saved' : op === 'restore' ? 'Snapshot restored' : 'Snapshot deleted', t);
    await load();
  };
  const save = () => {
    const t = tag.trim() || `snap-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
    void act('save', t);
  };

  return (
    <div className="snapshots-tab" data-testid="snapshots">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <label className="snapshot-tag">
          Tag <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="e.g. before-upgrade" maxLength={64} data-testid="snapshot-tag" />
        </label>
        <button type="submit" className="btn btn-primary btn-small" disabled={busy !== undefined} data-testid="snapshot-save">
          {busy?.startsWith('save:') ? 'Saving…' : 'Save snapshot'}
        </button>
        <span className="muted small">{running ? 'Saves the disk and the memory: restoring goes back to this very moment.' : 'The VM is stopped: snapshots hold the disk only.'}</span>
      </form>
      {error && (
        <div className="inline-error" role="alert" data-testid="snapshot-error">
          {error.message} {hintFor(error)}
        </div>
      )}
      {snaps && snaps.length === 0 && !error && <p className="muted">No snapshots yet.</p>}
      {snaps && snaps.length > 0 && (
        <table className="table snapshot-table">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Taken</th>
              <th>VM state</th>
              <th>Guest clock</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {snaps.map((s) => (
              <tr key={s.id} data-testid={`snapshot-${s.tag}`}>
                <td>
                  <code>{s.tag}</code>
                </td>
                <td>{new Date(s.createdAt).toLocaleString()}</td>
                <td>{s.vmStateBytes ? formatBytes(s.vmStateBytes) : 'disk only'}</td>
                <td>{(s.vmClockMs / 1000).toFixed(1)} s</td>
                <td className="row-actions">
                  {confirm?.tag === s.tag ? (
                    <>
                      <span>{confirm.op === 'restore' ? `Go back to “${s.tag}”? Changes since are lost.` : `Delete “${s.tag}”?`}</span>
                      <button type="button" className={`btn btn-small ${confirm.op === 'delete' ? 'btn-danger' : 'btn-primary'}`} onClick={() => void act(confirm.op, s.tag)} data-testid="snapshot-confirm">
                        {confirm.op === 'restore' ? 'Restore' : 'Delete'}
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setConfirm(undefined)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <>
                      <button type="button" className="btn btn-small" disabled={busy !== undefined} onClick={() => setConfirm({ tag: s.tag, op: 'restore' })} data-testid={`snapshot-restore-${s.tag}`}>
                        {busy === `restore:${s.tag}` ? 'Restoring…' : 'Restore…'}
                      </button>
                      <button type="button" className="btn btn-small btn-danger-outline" disabled={busy !== undefined} onClick={() => setConfirm({ tag: s.tag, op: 'delete' })} data-testid={`snapshot-delete-${s.tag}`}>
                        Delete…
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
