// Create / edit a VM: every task option, the driver's validation live next to each field, and the
// QEMU command line preview updating as you type.
import { useEffect } from 'react';
import { useTaskForm, formErrors, shouldShow, verdictError } from '../stores/task-form';
import { useSettings } from '../stores/settings';
import { useDoctor } from '../stores/doctor';
import { useUi } from '../stores/ui';
import { useVms } from '../stores/vms';
import { reportSuccess } from '../stores/notices';
import { Field } from '../components/Field';
import { CopyButton } from '../components/CopyButton';
import { PortMapEditor } from './PortMapEditor';
import { ArtifactsEditor } from './ArtifactsEditor';
import { HardwareSection } from './HardwareSection';
import { CloudInitSection } from './CloudInitSection';
import { ACCELERATORS, DRIVE_INTERFACES } from '../../../shared/limits';
import { commandLine } from '../lib/args';
import { formatBytes } from '../lib/format';
import { hintFor } from '../lib/error-hints';
import type { FormField, TaskForm } from '../lib/task-form';

const MACHINE_TYPES = ['pc', 'q35', 'microvm', 'isapc'];

/** The form page, for a new VM or for editing `name`. */
export function TaskFormView({ mode, name }: { mode: 'create' | 'edit'; name?: string }) {
  const state = useTaskForm();
  const settings = useSettings((s) => s.settings);
  const report = useDoctor((s) => s.report);
  const navigate = useUi((s) => s.navigate);
  const { form, update, touch } = state;

  const init = useTaskForm((s) => s.init);
  const editedVm = useVms((s) => (name ? s.vms[name] : undefined));
  useEffect(() => {
    void init(mode, name);
  }, [init, mode, name]);

  const errors = formErrors(state, settings?.driver.args_allowlist ?? []);
  // The image is outside the allowed folders: said in words under the field, with "Allow this folder…"
  // (ImageDetails), instead of the driver's phrase (that one stays in the command line panel).
  const notAllowed = imageOutsideAllowed(state);
  const err = (field: FormField) => (shouldShow(state, field) ? errors[field] : undefined);
  const verdict = verdictError(state);
  const validation = state.validation;
  const upToDate = state.validatedRevision === state.revision;

  const text = (field: keyof TaskForm & FormField, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => ({
    id: field,
    value: form[field] as string,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => update({ [field]: e.target.value } as Partial<TaskForm>),
    onBlur: () => touch(field),
    'aria-invalid': Boolean(err(field)),
    'aria-describedby': `${field}-msg`,
    'data-testid': `input-${field}`,
    ...extra,
  });
  const check = (field: keyof TaskForm & FormField) => ({
    id: field,
    type: 'checkbox' as const,
    checked: form[field] as boolean,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => update({ [field]: e.target.checked } as Partial<TaskForm>),
    'data-testid': `input-${field}`,
  });

  const save = async (andStart: boolean) => {
    const saved = await state.save();
    if (!saved) return;
    await useVms.getState().load();
    reportSuccess(mode === 'create' ? `Created ${saved}` : `Saved ${saved}`);
    navigate({ page: 'vm', name: saved });
    if (andStart) void useVms.getState().run(saved, 'start');
  };

  if (state.loading) return <div className="page muted">Loading the task…</div>;
  if (state.loadError)
    return (
      <div className="page">
        <div className="inline-error" role="alert">
          Could not load the task: {state.loadError.message} {hintFor(state.loadError)}
        </div>
      </div>
    );

  const usable = new Set(report?.accelerators ?? []);
  const emulators = report?.emulators.map((e) => e.name) ?? [];
  const formLevel = err('form') ?? (state.saveError && errors.form ? errors.form : undefined);
  const cmd = validation?.ok ? commandLine(validation.binary, validation.argv) : undefined;

  return (
    <form
      className="page form-page"
      data-testid="task-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      <div className="page-head">
        <h1>{mode === 'create' ? 'New VM' : `Edit ${name}`}</h1>
        <div className="actions">
          <button type="button" className="btn" onClick={() => navigate(mode === 'edit' && name ? { page: 'vm', name } : { page: 'home' })}>
            Cancel
          </button>
          <button type="submit" className="btn" disabled={state.saving} data-testid="save">
            {state.saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="btn btn-primary" disabled={state.saving || editedVm?.state === 'running'} onClick={() => void save(true)} data-testid="save-start">
            Save and start
          </button>
        </div>
      </div>

      {formLevel && (
        <div className="inline-error" role="alert" data-testid="form-error">
          {formLevel} {state.saveError && hintFor(state.saveError)}
        </div>
      )}

      <div className="form-columns">
        <div className="form-main">
          <fieldset className="card">
            <legend>Image</legend>
            <Field id="name" label="Name" error={err('name')} hint="Lower-case letters, digits, “-”, “_”, “.”; unique.">
              <input {...text('name', { placeholder: 'web', autoFocus: mode === 'create', spellCheck: false })} />
            </Field>
            <Field id="imagePath" label="Image file" error={notAllowed ? undefined : err('imagePath')} wide hint={<ImageDetails />}>
              <div className="input-row">
                <input {...text('imagePath', { placeholder: '/path/to/disk.qcow2', spellCheck: false })} />
                <button type="button" className="btn" onClick={() => void state.browseImage()} data-testid="browse-image">
                  Choose image…
                </button>
              </div>
            </Field>
            <label className="check">
              <input {...check('disposable')} /> Disposable: run on a throw-away overlay, so the image itself is never written
            </label>
            <label className="check">
              <input {...check('displayVnc')} /> Display: a screen you can see and type into (Display tab; VGA and VNC on a private socket)
            </label>
          </fieldset>

          <fieldset className="card">
            <legend>Artifacts</legend>
            <p className="muted small">Images fetched from URLs into the VM’s folder before it starts, verified by their checksum and cached (Nomad’s artifact block). Point the image file at the destination, such as local/disk.qcow2.</p>
            <ArtifactsEditor errors={errors} />
          </fieldset>

          <fieldset className="card">
            <legend>Machine</legend>
            <div className="grid-2">
              <Field id="emulator" label="Emulator" error={err('emulator')} hint={emulators.length ? `Found on this host: ${emulators.join(', ')}` : 'No QEMU emulator found: see Health.'}>
                <input {...text('emulator', { list: 'emulator-options', spellCheck: false })} />
                <datalist id="emulator-options">
                  {emulators.map((e) => (
                    <option key={e} value={e} />
                  ))}
                </datalist>
              </Field>
              <Field id="machineType" label="Machine type" error={err('machineType')}>
                <input {...text('machineType', { list: 'machine-options', spellCheck: false })} />
                <datalist id="machine-options">
                  {MACHINE_TYPES.map((m) => (
                    <option key={m} value={m} />
                  ))}
                </datalist>
              </Field>
              <Field id="accelerator" label="Accelerator" error={err('accelerator')} hint={report ? `Usable here: ${report.accelerators.join(', ') || 'none'}` : undefined}>
                <select id="accelerator" value={form.accelerator} onChange={(e) => update({ accelerator: e.target.value })} aria-describedby="accelerator-msg" data-testid="input-accelerator">
                  {ACCELERATORS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                      {report ? (usable.has(a) ? ' — usable' : ' — not usable on this host') : ''}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="driveInterface" label="Drive interface" error={err('driveInterface')}>
                <select id="driveInterface" value={form.driveInterface} onChange={(e) => update({ driveInterface: e.target.value })} data-testid="input-driveInterface">
                  {DRIVE_INTERFACES.map((d) => (
                    <option key={d} value={d}>
                      {d}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="memory" label="Memory (MiB)" error={err('memory')} hint="128 to 4,000,000">
                <input {...text('memory', { inputMode: 'numeric' })} />
              </Field>
              <Field id="cores" label="Cores" error={err('cores')}>
                <input {...text('cores', { inputMode: 'numeric' })} />
              </Field>
            </div>
          </fieldset>

          <HardwareSection errors={errors} />

          <CloudInitSection errors={errors} />

          <fieldset className="card">
            <legend>Network</legend>
            <div className="field field-wide">
              <span className="field-label">Port map</span>
              <PortMapEditor errors={errors} />
            </div>
            <div className="grid-2">
              <Field id="dnsServers" label="DNS servers" error={err('dnsServers')} hint="Up to 3 IP addresses, comma-separated">
                <input {...text('dnsServers', { placeholder: '1.1.1.1', spellCheck: false })} />
              </Field>
              <Field id="dnsSearches" label="DNS search domains" error={err('dnsSearches')} hint="Up to 6, comma-separated">
                <input {...text('dnsSearches', { placeholder: 'lab.local', spellCheck: false })} />
              </Field>
            </div>
          </fieldset>

          <fieldset className="card">
            <legend>Lifecycle</legend>
            <label className="check">
              <input {...check('gracefulShutdown')} /> Graceful shutdown: press the ACPI power button and wait before harder steps
            </label>
            <Field id="killTimeout" label="Kill timeout" error={err('killTimeout')} hint="How long each stop step may take, such as 30s or 1m30s">
              <input {...text('killTimeout', { spellCheck: false })} />
            </Field>
            <label className="check">
              <input {...check('guestAgent')} /> Guest agent: talk to qemu-guest-agent in the guest (IP addresses, clean shutdown)
            </label>
          </fieldset>

          <fieldset className="card">
            <legend>Advanced</legend>
            <Field
              id="args"
              label="Extra QEMU arguments"
              error={errors.args}
              wide
              hint={settings?.driver.args_allowlist.length ? `Allowed options: ${settings.driver.args_allowlist.join(' ')}` : 'Any option is allowed (the args allowlist in Settings is empty).'}
            >
              <input {...text('args', { placeholder: '-device virtio-rng-pci', spellCheck: false })} />
            </Field>
          </fieldset>
        </div>

        <aside className="form-side">
          <section className="card preview" aria-live="polite">
            <div className="card-head">
              <h2>Command line</h2>
              {cmd && <CopyButton text={() => cmd} />}
            </div>
            <div className={`preview-status ${verdict ? 'bad' : upToDate && validation?.ok ? 'good' : ''}`} data-testid="validation-status">
              {verdict ? `✗ ${verdict.message}` : upToDate && validation?.ok ? '✓ Valid for this host' : 'Checking…'}
            </div>
            {cmd ? (
              <pre className={`cmdline${upToDate && validation?.ok ? '' : ' stale'}`} data-testid="cmd-preview">
                {cmd}
              </pre>
            ) : (
              <p className="muted small">The exact QEMU command line appears here as soon as the task is valid.</p>
            )}
            {validation?.ok && validation.warnings.length > 0 && (
              <ul className="warnings" data-testid="plan-warnings">
                {validation.warnings.map((w) => (
                  <li key={w}>⚠ {w}</li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </form>
  );
}

/** True when the image itself lies outside the allowed folders (not a backing file of it). */
function imageOutsideAllowed(state: ReturnType<typeof useTaskForm.getState>): boolean {
  if (state.imageError?.code === 'IMAGE_NOT_ALLOWED') return true;
  const v = verdictError(state);
  return v?.code === 'IMAGE_NOT_ALLOWED' && v.field === 'config.image_path' && v.message.startsWith('image_path is not in the allowed paths');
}

/** Format, virtual size and backing file of the chosen image (or why it could not be read). */
function ImageDetails() {
  const state = useTaskForm();
  const { image, imageError, inspecting, allowImageFolder } = state;
  if (inspecting) return <span data-testid="image-info">Reading the image…</span>;
  if (imageOutsideAllowed(state))
    // The same way in as "Choose image…": vmdesk asks before it widens image_paths.
    return (
      <span className="field-error" data-testid="image-info">
        {imageError?.code === 'IMAGE_NOT_ALLOWED' ? imageError.message : 'This image is outside the folders VMs may use (the VM’s own folder and the image folders in Settings)'}.{' '}
        <button type="button" className="btn btn-small" onClick={() => void allowImageFolder()} data-testid="allow-image-folder">
          Allow this folder…
        </button>
      </span>
    );
  if (imageError)
    return (
      <span className="field-error" data-testid="image-info">
        {imageError.message} {hintFor(imageError)}
      </span>
    );
  if (!image) return <span>Use “Choose image…”, or type a path (~ is your home folder; a relative path is the VM’s own folder).</span>;
  return (
    <span data-testid="image-info">
      <strong>{image.format}</strong>
      {image.virtualSize !== undefined && <> · virtual size {formatBytes(image.virtualSize)}</>}
      {image.backingFile ? <> · backing file <code>{image.backingFile}</code></> : <> · no backing file</>}
      {image.dataFile && <> · data file <code>{image.dataFile}</code></>}
    </span>
  );
}
