// The form's Cloud-init section: seed cloud-init (NoCloud) with a hostname, user-data and SSH keys. The
// driver checks the block as the user types (broken YAML is reported with its line, under the editor).
// The block lives in the task form store as loaded (cloud-init-form.ts keeps what this section does not edit).
import { Field } from '../components/Field';
import { useTaskForm } from '../stores/task-form';
import { cloudInitFields, patchCloudInit, USER_DATA_TEMPLATE } from '../lib/cloud-init-form';
import type { FormField } from '../lib/task-form';

/** The section; `errors` are the form's errors by field (`cloudInit` for anything inside the block). */
export function CloudInitSection({ errors }: { errors: Partial<Record<FormField, string>> }) {
  const { form, update } = useTaskForm();
  const on = form.cloudInit !== undefined;
  const f = cloudInitFields(form.cloudInit);
  const set = (patch: Parameters<typeof patchCloudInit>[1]) => update({ cloudInit: patchCloudInit(form.cloudInit, patch) });
  const sshRow = form.ports.some((p) => p.label.trim() === 'ssh');
  return (
    <fieldset className="card" data-testid="cloud-init-section">
      <legend>Cloud-init</legend>
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => update({ cloudInit: e.target.checked ? {} : undefined })} data-testid="input-cloudInit" /> Seed
        cloud-init (NoCloud, attached read-only): for cloud images that stay locked until cloud-init gives them a user or a key
      </label>
      {on && (
        <>
          <Field id="cloudInitHostname" label="Hostname" hint="Empty: the image's own.">
            <input id="cloudInitHostname" value={f.hostname} onChange={(e) => set({ hostname: e.target.value })} data-testid="input-cloudInitHostname" />
          </Field>
          <Field
            id="cloudInit"
            label="User-data"
            wide
            error={errors.cloudInit}
            hint={
              f.userDataFile !== undefined
                ? undefined
                : "A #cloud-config YAML document (or a script starting with #!), checked as you type. Empty: vmdesk's default user with the SSH key below."
            }
          >
            {f.userDataFile !== undefined ? (
              <p className="muted" data-testid="cloud-init-userdata-file">
                From the file <code>{f.userDataFile}</code> (edit that file; it is checked at each start).
              </p>
            ) : (
              <textarea
                id="cloudInit"
                className="mono"
                rows={8}
                spellCheck={false}
                value={f.userData}
                placeholder={USER_DATA_TEMPLATE}
                onChange={(e) => set({ userData: e.target.value })}
                aria-invalid={Boolean(errors.cloudInit)}
                aria-describedby="cloudInit-msg"
                data-testid="input-cloudInitUserData"
              />
            )}
          </Field>
          <Field
            id="cloudInitKeys"
            label="SSH public keys"
            wide
            hint={
              <>
                One per line. Empty: vmdesk generates a key for this VM, used by <code>vmdesk ssh</code> and the Overview&apos;s SSH command.
                {!sshRow && ' Add a port map labelled ssh → guest 22 (Network) to log in over SSH.'}
              </>
            }
          >
            <textarea
              id="cloudInitKeys"
              className="mono"
              rows={3}
              spellCheck={false}
              value={f.sshKeys}
              placeholder="ssh-ed25519 AAAA… you@host"
              onChange={(e) => set({ sshKeys: e.target.value })}
              data-testid="input-cloudInitKeys"
            />
          </Field>
        </>
      )}
    </fieldset>
  );
}
