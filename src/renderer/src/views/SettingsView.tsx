// Settings: the driver config (what tasks may do) and the app's preferences.
import { useEffect, useState } from 'react';
import { useSettings } from '../stores/settings';
import { reportSuccess } from '../stores/notices';
import { Field } from '../components/Field';
import {
  formToSettings,
  LOADER_OPTIONS,
  settingsField,
  settingsToForm,
  type SettingsForm,
} from '../lib/settings-form';
import { messageForField } from '../lib/task-form';
import { hintFor } from '../lib/error-hints';
import type { ErrorData } from '../../../shared/errors';
import { CacheSection } from './CacheSection';

/** The Settings page. */
export function SettingsView() {
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  const save = useSettings((s) => s.save);
  const setPreviewTheme = useSettings((s) => s.setPreviewTheme);
  const [form, setForm] = useState<SettingsForm | undefined>(settings && settingsToForm(settings));
  const [error, setError] = useState<ErrorData | undefined>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (settings && !form) setForm(settingsToForm(settings));
  }, [settings, form]);
  // A theme picked here shows at once; leaving the page without saving goes back to the saved theme.
  useEffect(() => () => setPreviewTheme(undefined), [setPreviewTheme]);

  if (loadError)
    return (
      <div className="page">
        <div className="inline-error" role="alert">
          Could not read the settings: {loadError.message} {hintFor(loadError)}
        </div>
      </div>
    );
  if (!form) return <div className="page muted">Loading settings…</div>;

  const errorField = error ? settingsField(error.field) : undefined;
  const err = (f: keyof SettingsForm) =>
    error && errorField === f ? messageForField(error.message, error.field) : undefined;
  const set = (patch: Partial<SettingsForm>) => {
    setForm({ ...form, ...patch });
    setError(undefined);
  };
  const submit = async () => {
    setSaving(true);
    const e = await save(formToSettings(form));
    setSaving(false);
    setError(e);
    if (!e) {
      setForm(settingsToForm(useSettings.getState().settings!));
      reportSuccess('Settings saved');
    }
  };
  const input = (f: Exclude<keyof SettingsForm, 'theme' | 'quitBehaviour' | 'argsLoaderAllowlist'>) => ({
    id: f,
    value: form[f],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set({ [f]: e.target.value }),
    'aria-invalid': Boolean(err(f)),
    'aria-describedby': `${f}-msg`,
    'data-testid': `settings-${f}`,
    spellCheck: false,
  });

  return (
    <form
      className="page settings-page"
      data-testid="settings-view"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="page-head">
        <h1>Settings</h1>
        <button type="submit" className="btn btn-primary" disabled={saving} data-testid="settings-save">
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>
      {error && errorField === 'form' && (
        <div className="inline-error" role="alert">
          {error.message} {hintFor(error)}
        </div>
      )}
      <fieldset className="card">
        <legend>Driver</legend>
        <p className="muted small">
          The operator’s limits on what a task may do (Nomad’s qemu plugin config). The vmdesk CLI reads the
          same file.
        </p>
        <Field
          id="imagePaths"
          label="Image paths"
          error={err('imagePaths')}
          wide
          hint="Folders (one per line) from which tasks may use images, besides each VM’s own folder."
        >
          <textarea rows={3} {...input('imagePaths')} placeholder="/var/lib/images" />
        </Field>
        <Field
          id="argsAllowlist"
          label="Args allowlist"
          error={err('argsAllowlist')}
          wide
          hint="QEMU options a task’s extra args may use, such as -device -nodefaults. Empty allows every option."
        >
          <input {...input('argsAllowlist')} placeholder="-device -nodefaults" />
        </Field>
        <Field
          id="argsLoaderAllowlist"
          label="Options that load host files or code"
          error={err('argsLoaderAllowlist')}
          wide
          hint="With an args allowlist, these are refused even when listed above, because vmdesk cannot vouch for the files they load. Tick one only if you trust every task that may use it."
        >
          <div
            className="checkbox-row"
            id="argsLoaderAllowlist"
            role="group"
            aria-describedby="argsLoaderAllowlist-msg"
            data-testid="settings-argsLoaderAllowlist"
          >
            {LOADER_OPTIONS.map((o) => (
              <label key={o} className="check">
                <input
                  type="checkbox"
                  checked={form.argsLoaderAllowlist.includes(o)}
                  data-testid={`settings-loader${o}`}
                  onChange={(e) =>
                    set({
                      argsLoaderAllowlist: e.target.checked
                        ? [...form.argsLoaderAllowlist, o]
                        : form.argsLoaderAllowlist.filter((x) => x !== o),
                    })
                  }
                />
                <code>{o}</code>
              </label>
            ))}
          </div>
        </Field>
        <div className="grid-2">
          <Field
            id="emulatorsAllowlist"
            label="Emulators allowlist"
            error={err('emulatorsAllowlist')}
            hint="Such as x86_64, aarch64. Empty allows all."
          >
            <input {...input('emulatorsAllowlist')} placeholder="x86_64" />
          </Field>
          <Field
            id="portBindAddress"
            label="Port bind address"
            error={err('portBindAddress')}
            hint="Host address forwarded ports listen on. 127.0.0.1 keeps them private to this machine."
          >
            <input {...input('portBindAddress')} />
          </Field>
          <Field
            id="artifactMaxBytes"
            label="Largest artifact (bytes)"
            error={err('artifactMaxBytes')}
            hint="Largest download or unpacked archive a task’s artifacts may reach. Empty keeps the default (64 GiB)."
          >
            <input {...input('artifactMaxBytes')} inputMode="numeric" placeholder="68719476736" />
          </Field>
        </div>
      </fieldset>
      <fieldset className="card">
        <legend>Preferences</legend>
        <div className="grid-2">
          <Field id="theme" label="Theme" error={err('theme')} hint="Shown at once; kept when you save.">
            <select
              id="theme"
              value={form.theme}
              onChange={(e) => {
                const theme = e.target.value as SettingsForm['theme'];
                set({ theme });
                setPreviewTheme(theme);
              }}
              data-testid="settings-theme"
            >
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </Field>
          <Field id="quitBehaviour" label="When quitting with VMs running" error={err('quitBehaviour')}>
            <select
              id="quitBehaviour"
              value={form.quitBehaviour}
              onChange={(e) => set({ quitBehaviour: e.target.value as SettingsForm['quitBehaviour'] })}
            >
              <option value="ask">Ask every time</option>
              <option value="stop">Stop them gracefully</option>
              <option value="leave">Leave them running (re-attached next time)</option>
            </select>
          </Field>
        </div>
      </fieldset>
      <CacheSection />
    </form>
  );
}
