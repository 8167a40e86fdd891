// The app's dialogs: delete (with or without logs), duplicate (new name), keyboard shortcuts, and the Nomad
// import / export / submit dialogs (views/nomad/).
import { useState } from 'react';
import { Dialog } from './Dialog';
import { useUi } from '../stores/ui';
import { useVms } from '../stores/vms';
import { SHORTCUTS } from '../lib/shortcuts';
import { VM_NAME_PATTERN } from '../../../shared/limits';
import type { ErrorData } from '../../../shared/errors';
import { hintFor } from '../lib/error-hints';
import { ImportJobDialog } from '../views/nomad/ImportJobDialog';
import { NomadDialog } from '../views/nomad/NomadDialog';

/** Renders whichever dialog is open. */
export function DialogHost() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'delete':
      return <DeleteDialog name={dialog.name} />;
    case 'duplicate':
      return <DuplicateDialog name={dialog.name} />;
    case 'help':
      return <HelpDialog />;
    case 'import-job':
      return <ImportJobDialog />;
    case 'nomad':
      return <NomadDialog name={dialog.name} tab={dialog.tab} />;
  }
}

function DeleteDialog({ name }: { name: string }) {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const deleteVm = useVms((s) => s.deleteVm);
  const busy = useVms((s) => s.pending[name] === 'delete');
  const [removeLogs, setRemoveLogs] = useState(false);
  const submit = async () => {
    if (await deleteVm(name, removeLogs)) {
      close();
      navigate({ page: 'home' });
    }
  };
  return (
    <Dialog
      title={`Delete ${name}?`}
      onCancel={close}
      onSubmit={submit}
      testId="delete-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy} data-autofocus>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        </>
      }
    >
      <p>The VM definition is removed. The image file itself is never deleted.</p>
      <label className="check">
        <input type="checkbox" checked={removeLogs} onChange={(e) => setRemoveLogs(e.target.checked)} />
        Also delete its logs (console, QEMU output, events)
      </label>
    </Dialog>
  );
}

function DuplicateDialog({ name }: { name: string }) {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const duplicate = useVms((s) => s.duplicate);
  const busy = useVms((s) => s.pending[name] === 'duplicate');
  const [newName, setNewName] = useState(`${name}-copy`.slice(0, 63));
  const [error, setError] = useState<ErrorData | undefined>();
  const invalid = !VM_NAME_PATTERN.test(newName) ? 'use 1-63 lower-case letters, digits, "-", "_" or "."' : undefined;
  const submit = async () => {
    if (invalid) return;
    const err = await duplicate(name, newName);
    if (err) setError(err);
    else {
      close();
      navigate({ page: 'vm', name: newName });
    }
  };
  const shown = invalid ?? error?.message;
  return (
    <Dialog
      title={`Duplicate ${name}`}
      onCancel={close}
      onSubmit={submit}
      testId="duplicate-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || Boolean(invalid)}>
            {busy ? 'Duplicating…' : 'Duplicate'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">New name</span>
        <input
          data-autofocus
          value={newName}
          aria-invalid={Boolean(shown)}
          aria-describedby="dup-error"
          onChange={(e) => {
            setNewName(e.target.value);
            setError(undefined);
          }}
        />
        {shown && (
          <span className="field-error" id="dup-error" role="alert">
            {shown}
            {error && hintFor(error) ? ` ${hintFor(error)}` : ''}
          </span>
        )}
      </label>
      <p className="muted">The copy gets the same settings and image. Fixed host ports are copied too: change them before running both at once.</p>
    </Dialog>
  );
}

function HelpDialog() {
  const close = useUi((s) => s.closeDialog);
  return (
    <Dialog
      title="Keyboard shortcuts"
      onCancel={close}
      onSubmit={close}
      testId="help-dialog"
      footer={
        <button type="submit" className="btn btn-primary" data-autofocus>
          Close
        </button>
      }
    >
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Enter</kbd> / <kbd>Esc</kbd>
            </td>
            <td>Confirm / cancel a dialog</td>
          </tr>
          <tr>
            <td>
              <kbd>←</kbd> <kbd>→</kbd>
            </td>
            <td>Move between tabs when a tab has focus</td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}
