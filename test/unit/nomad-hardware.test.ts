// Firmware, drives and boot across Nomad: export writes them as args (plus artifacts beside the image URL,
// and notes: the allowlist entries, where each file must be served, swtpm unsupported); import maps them back,
// and hand-written -drive / -bios / pflash args too; import(export(task)) keeps what Nomad can carry.
import { describe, expect, it } from 'vitest';
import { exportJob, toApiJson, toHcl } from '../../src/main/nomad/export-job';
import { importHardware } from '../../src/main/nomad/hardware-nomad';
import { importJobText } from '../../src/main/nomad/import-job';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { parseTask, type Task } from '../../src/shared/task';

const driverConfig = { ...DEFAULT_DRIVER_CONFIG, image_paths: ['/images'] };
function task(input: unknown): Task {
  const r = parseTask(input);
  if (!r.ok) throw new Error(r.message);
  return r.task;
}
async function importText(text: string) {
  const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${JSON.stringify(errors)}\n${text}`);
  return r;
}

const hw = task({
  name: 'inst',
  config: {
    image_path: 'empty.qcow2', machine_type: 'q35', args: ['-nodefaults'],
    firmware: 'uefi', secure_boot: true, tpm: true,
    drives: [{ path: 'local/installer.iso', media: 'cdrom' }, { path: 'local/data.qcow2', interface: 'virtio', format: 'qcow2', read_only: true }],
    boot: 'cdrom',
  },
});

describe('Nomad export of the hardware options', () => {
  it('writes OVMF, the drives and the boot order as args, lists the allowlist entries, and says swtpm is unsupported', () => {
    const job = exportJob(hw);
    const args = job.config.find(([k]) => k === 'args')![1] as string[];
    expect(args.slice(0, 13)).toEqual([
      '-nodefaults',
      '-drive', 'if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd',
      '-drive', 'if=pflash,format=raw,unit=1,file=local/OVMF_VARS_4M.ms.fd',
      '-machine', 'smm=on',
      '-global', 'driver=cfi.pflash01,property=secure,value=on',
      '-drive', 'file=local/installer.iso,format=raw,if=ide,media=cdrom,readonly=on',
      '-drive', 'file=local/data.qcow2,format=qcow2,if=virtio,media=disk,readonly=on',
    ]);
    expect(args).toContain('order=d');
    expect(job.notes).toContainEqual(expect.stringMatching(/operator must allow: -drive -machine -global -boot/));
    expect(job.notes).toContainEqual(expect.stringMatching(/tpm: Nomad's qemu driver cannot start swtpm/));
    expect(job.notes).toContainEqual(expect.stringMatching(/drives\[0\] \(local\/installer\.iso\) must reach the task directory as local\/installer\.iso/));
    expect(job.extraArtifacts).toBeUndefined();
  });

  it('with the image URL, ships each extra file as an artifact beside it and says where each must be served', () => {
    const job = exportJob(hw, { artifactUrl: 'https://img.example.com/vms/empty.qcow2' });
    expect(job.extraArtifacts).toEqual([
      { source: 'https://img.example.com/vms/OVMF_VARS_4M.ms.fd', destination: 'local/OVMF_VARS_4M.ms.fd', mode: 'file' },
      { source: 'https://img.example.com/vms/installer.iso', destination: 'local/installer.iso', mode: 'file' },
      { source: 'https://img.example.com/vms/data.qcow2', destination: 'local/data.qcow2', mode: 'file' },
    ]);
    expect(job.notes).toContainEqual('drives[0] (local/installer.iso) must be served at https://img.example.com/vms/installer.iso (beside the image), Nomad downloads it into local/installer.iso');
    expect(toHcl(job, 'x').match(/artifact \{/g)).toHaveLength(4);
    expect((toApiJson(job).Job.TaskGroups as Array<{ Tasks: Array<{ Artifacts: unknown[] }> }>)[0]!.Tasks[0]!.Artifacts).toHaveLength(4);
  });

  it('import(export(task)) keeps firmware, secure_boot, drives and boot (not tpm: Nomad cannot carry it), HCL and JSON', async () => {
    const { tpm: _tpm, ...config } = hw.config;
    // The exported -drive makes the defaults explicit (format raw, interface ide for a cdrom): the same drive.
    const expected = { ...hw, config: { ...config, drives: [{ ...config.drives![0]!, format: 'raw', interface: 'ide' }, config.drives![1]!] } };
    for (const text of [toHcl(exportJob(hw), 'x'), JSON.stringify(toApiJson(exportJob(hw)))]) {
      const r = await importText(text);
      expect(r.tasks[0]!.task).toEqual(expected);
    }
  });
});

describe('Nomad import of hand-written firmware and drive args', () => {
  it('maps -bios OVMF, -drive disks and cdroms and -boot d; leaves and reports what it cannot', () => {
    const r = importHardware(['-bios', '/usr/share/OVMF/OVMF.fd', '-drive', 'file=extra.qcow2,if=virtio', '-drive', 'file=nbd://10.0.0.1/x,if=virtio', '-drive', 'file=/etc/shadow,if=virtio', '-drive', 'file=../up.img', '-drive', 'file=local/cd.iso,media=cdrom', '-boot', 'd', '-m', '1G']);
    expect(r.config).toEqual({ firmware: 'uefi', drives: [{ path: 'extra.qcow2', media: 'disk', interface: 'virtio' }, { path: 'local/cd.iso', media: 'cdrom' }], boot: 'cdrom' });
    // Outside the task directory, or a protocol: left in args, where the args policy refuses or warns as before.
    expect(r.args).toEqual(['-drive', 'file=nbd://10.0.0.1/x,if=virtio', '-drive', 'file=/etc/shadow,if=virtio', '-drive', 'file=../up.img', '-m', '1G']);
    expect(r.notes).toContainEqual({ severity: 'warning', message: expect.stringMatching(/file=nbd:\/\/10\.0\.0\.1\/x,if=virtio: vmdesk cannot turn this into a drive/) });
  });

  it('an imported job: a -drive in the task directory becomes a drive, one reaching a host file stays in args', async () => {
    const job = `job "j" {\n  group "g" {\n    task "vm" {\n      driver = "qemu"\n      config {\n        image_path = "/images/a.qcow2"\n        args = ["-drive", "file=local/data.qcow2,format=qcow2,if=virtio", "-drive", "file=/etc/shadow,format=raw"]\n      }\n    }\n  }\n}\n`;
    const r = await importText(job);
    expect(r.tasks[0]!.task.config.drives).toEqual([{ path: 'local/data.qcow2', media: 'disk', interface: 'virtio', format: 'qcow2' }]);
    expect(r.tasks[0]!.task.config.args).toEqual(['-drive', 'file=/etc/shadow,format=raw']);
  });
});
