// The form's Firmware section (BIOS / UEFI / UEFI + Secure Boot, TPM) and Drives list (disks and ISOs,
// each inspected live like the image; boot from CD). State lives in the task form store (hardware-form.ts).
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../shared/errors';
import type { ImageInfo } from '../../../shared/plan';
import { call } from '../api';
import { useTaskForm, shouldShow } from '../stores/task-form';
import { newDriveRow, type DriveRow, type FirmwareChoice } from '../lib/hardware-form';
import type { FormField } from '../lib/task-form';
import { formatBytes } from '../lib/format';
import { hintFor } from '../lib/error-hints';

const FIRMWARE: Array<[FirmwareChoice, string, string]> = [
  ['bios', 'BIOS', 'SeaBIOS, QEMU’s default'],
  ['uefi', 'UEFI', 'OVMF from the host’s firmware descriptors; the VM keeps its own variable store'],
  ['uefi-secure', 'UEFI + Secure Boot', 'OVMF with Microsoft’s keys enrolled; needs machine type q35'],
];

/** Both sections; `errors` are the form's errors by field (`drive:<index>` for a drive row). */
export function HardwareSection({ errors }: { errors: Partial<Record<FormField, string>> }) {
  const state = useTaskForm();
  const { form, update } = state;
  const err = (f: FormField) => (shouldShow(state, f) || shouldShow(state, 'drives') ? errors[f] : undefined);
  const setDrives = (drives: DriveRow[]) => update({ drives });
  const patchDrive = (id: number, patch: Partial<DriveRow>) => setDrives(form.drives.map((d) => (d.id === id ? { ...d, ...patch } : d)));
  const hasCd = form.drives.some((d) => d.media === 'cdrom');
  const pick = async (id: number) => {
    const r = await call((a) => a.pickImage());
    if (r.ok && r.value) patchDrive(id, { path: r.value });
  };

  return (
    <>
      <fieldset className="card" data-testid="firmware-section">
        <legend>Firmware</legend>
        <div className="radio-row" role="radiogroup" aria-label="Firmware">
          {FIRMWARE.map(([value, label, hint]) => (
            <label key={value} className="check" title={hint}>
              <input
                type="radio"
                name="firmware"
                value={value}
                checked={form.firmware === value}
                onChange={() => update(value === 'uefi-secure' && form.machineType.trim() === 'pc' ? { firmware: value, machineType: 'q35' } : { firmware: value })}
                data-testid={`firmware-${value}`}
              />{' '}
              {label}
            </label>
          ))}
        </div>
        <p className="field-hint">{FIRMWARE.find(([v]) => v === form.firmware)?.[2]}</p>
        {err('firmware') && <span className="field-error" data-testid="error-firmware">{err('firmware')}</span>}
        <label className="check">
          <input type="checkbox" checked={form.tpm} onChange={(e) => update({ tpm: e.target.checked })} data-testid="input-tpm" /> TPM 2.0: a software TPM (swtpm) whose state the VM keeps
        </label>
        {err('tpm') && <span className="field-error" data-testid="error-tpm">{err('tpm')}</span>}
      </fieldset>

      <fieldset className="card" data-testid="drives-section">
        <legend>Drives</legend>
        {form.drives.length === 0 && <p className="muted small">Only the image. Add a data disk, or an ISO to boot an installer from.</p>}
        {form.drives.map((d, i) => (
          <div key={d.id} className={`drive-row${err(`drive:${i}`) ? ' has-error' : ''}`} data-testid="drive-row">
            <div className="input-row">
              <span className="drive-media">{d.media === 'cdrom' ? 'ISO' : 'Disk'}</span>
              <input
                aria-label={`Drive ${i + 1} file`}
                placeholder={d.media === 'cdrom' ? '/path/to/installer.iso' : '/path/to/data.qcow2'}
                value={d.path}
                spellCheck={false}
                onChange={(e) => patchDrive(d.id, { path: e.target.value })}
                aria-invalid={Boolean(err(`drive:${i}`))}
                data-testid="drive-path"
              />
              <button type="button" className="btn" onClick={() => void pick(d.id)}>
                Choose…
              </button>
              <select aria-label={`Drive ${i + 1} interface`} value={d.interface} onChange={(e) => patchDrive(d.id, { interface: e.target.value as DriveRow['interface'] })} data-testid="drive-interface">
                <option value="">default</option>
                <option value="ide">ide</option>
                {d.media === 'disk' && <option value="virtio">virtio</option>}
                <option value="scsi">scsi</option>
              </select>
              {d.media === 'disk' && (
                <label className="check">
                  <input type="checkbox" checked={d.readOnly} onChange={(e) => patchDrive(d.id, { readOnly: e.target.checked })} data-testid="drive-readonly" /> read-only
                </label>
              )}
              <button type="button" className="btn-icon" aria-label={`Remove drive ${i + 1}`} onClick={() => setDrives(form.drives.filter((x) => x.id !== d.id))}>
                ×
              </button>
            </div>
            {err(`drive:${i}`) ? <span className="field-error" data-testid="error-drive">{err(`drive:${i}`)}</span> : <DriveDetails path={d.path} />}
          </div>
        ))}
        {err('drives') && <span className="field-error" data-testid="error-drives">{err('drives')}</span>}
        <div className="actions">
          <button type="button" className="btn btn-small" onClick={() => setDrives([...form.drives, newDriveRow('disk')])} data-testid="add-disk">
            + Add disk
          </button>
          <button type="button" className="btn btn-small" onClick={() => setDrives([...form.drives, newDriveRow('cdrom')])} data-testid="add-iso">
            + Add ISO
          </button>
        </div>
        <label className="check">
          <input type="checkbox" checked={form.bootCdrom} disabled={!hasCd && !form.bootCdrom} onChange={(e) => update({ bootCdrom: e.target.checked })} data-testid="input-bootCdrom" /> Boot from the CD (an installer ISO onto the disk)
        </label>
        {err('bootCdrom') && <span className="field-error" data-testid="error-bootCdrom">{err('bootCdrom')}</span>}
      </fieldset>
    </>
  );
}

/** What the main process reads from a drive's file (format, size), as the image field does; absolute paths only. */
function DriveDetails({ path }: { path: string }) {
  const [info, setInfo] = useState<{ path: string; image?: ImageInfo; error?: ErrorData }>();
  useEffect(() => {
    const p = path.trim();
    if (!p.startsWith('/')) return;
    let live = true;
    const timer = setTimeout(async () => {
      const r = await call((a) => a.inspectImage({ path: p }));
      if (live) setInfo(r.ok ? { path: p, image: r.value } : { path: p, error: r.error });
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [path]);
  if (!info || info.path !== path.trim()) return <span className="field-hint">Use “Choose…”, or type a path.</span>;
  if (info.error)
    return (
      <span className="field-error" data-testid="drive-info">
        {info.error.message} {hintFor(info.error)}
      </span>
    );
  return (
    <span className="field-hint" data-testid="drive-info">
      <strong>{info.image!.format}</strong>
      {info.image!.virtualSize !== undefined && <> · virtual size {formatBytes(info.image!.virtualSize)}</>}
    </span>
  );
}
