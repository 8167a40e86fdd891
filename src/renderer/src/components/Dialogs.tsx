// The app's dialogs: delete (with or without logs), duplicate (new name, disposable), force stop (asks first),
// keyboard shortcuts, and the Nomad
// import / export / submit dialogs (views/nomad/).
import { useState } from 'react';
import { Dialog } from './Dialog';
import { useUi } from '../stores/ui';
import { useVms } from '../stores/vms';
import { SHORTCUTS } from '../lib/shortcuts';
import { VM_NAME_PATTERN } from '../../../shared/limits';
import type { ErrorData } from '../../../shared/errors';
import { hintFor } from '../lib/error-hints';
import { lazyView } from '../lib/lazy-view';
const ImportJobDialog = lazyView(() => import('../views/nomad/ImportJobDialog'), 'ImportJobDialog');
const NomadDialog = lazyView(() => import('../views/nomad/NomadDialog'), 'NomadDialog');

/** Renders whichever dialog is open. */
export function DialogHost() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'delete':
      return <DeleteDialog name={dialog.name} />;
    case 'duplicate':
      return <DuplicateDialog name={dialog.name} />;
    case 'force-stop':
      return <ForceStopDialog name={dialog.name} />;
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

function ForceStopDialog({ name }: { name: string }) {
  const close = useUi((s) => s.closeDialog);
  const run = useVms((s) => s.run);
  const submit = () => {
    close();
    void run(name, 'force-stop');
  };
  return (
    <Dialog
      title={`Force stop ${name}?`}
      onCancel={close}
      onSubmit={submit}
      testId="force-stop-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={close} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger">
            Force stop
          </button>
        </>
      }
    >
      <p>QEMU is killed at once (SIGKILL): like pulling the power cord. The guest cannot save its work, and files it was writing on its disk may be damaged.</p>
      <p className="muted">Stop asks the guest to shut down first (the power button), and only then takes harder steps.</p>
    </Dialog>
  );
}

function DuplicateDialog({ name }: { name: string }) {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const duplicate = useVms((s) => s.duplicate);
  const busy = useVms((s) => s.pending[name] === 'duplicate');
  const sourceDisposable = useVms((s) => s.vms[name]?.disposable ?? false);
  // The copy reaches the image one of three ways. A VM writing an image locks it (QEMU refuses a second
  // user, even one reading it through an overlay), so unless the original is disposable, its own copy of
  // the image is what lets both run at once.
  const [image, setImage] = useState<'shared' | 'disposable' | 'copy'>(sourceDisposable ? 'shared' : 'copy');
  const [newName, setNewName] = useState(`${name}-copy`.slice(0, 63));
  const [error, setError] = useState<ErrorData | undefined>();
  const invalid = !VM_NAME_PATTERN.test(newName) ? 'use 1-63 lower-case letters, digits, "-", "_" or "."' : undefined;
  const submit = async () => {
    if (invalid) return;
    const err = await duplicate(name, newName, image);
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
          data-testid="duplicate-name"
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
      <fieldset className="radio-group" data-testid="duplicate-image">
        <legend className="field-label">The copy's image</legend>
        <label className="check">
          <input type="radio" name="dup-image" checked={image === 'copy'} onChange={() => setImage('copy')} data-testid="duplicate-image-copy" />
          Its own copy of the image file (in the copy's folder): both VMs can run at once
        </label>
        <label className="check">
          <input type="radio" name="dup-image" checked={image === 'disposable'} onChange={() => setImage('disposable')} data-testid="duplicate-image-disposable" />
          Disposable, on a throw-away overlay of the same image: nothing it writes is kept; it runs beside other disposable VMs
          {!sourceDisposable && `, not while ${name} runs`}
        </label>
        <label className="check">
          <input type="radio" name="dup-image" checked={image === 'shared'} onChange={() => setImage('shared')} data-testid="duplicate-image-shared" />
          The same image{sourceDisposable ? ' (the original is disposable: both can run at once)' : `: only one of ${name} and the copy can run at a time`}
        </label>
      </fieldset>
      <p className="muted">The copy gets the same settings, with automatic host ports.</p>
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
