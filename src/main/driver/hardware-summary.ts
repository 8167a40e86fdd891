// The hardware of a plan in words and in JSON (`vmdesk plan`, `vmdesk doctor`-style lines): firmware, TPM,
// extra drives and the boot device. Pure.
import type { Plan } from '../../shared/plan';

/** What `vmdesk plan --json` prints under "hardware". */
export interface HardwareSummary {
  firmware: { type: 'bios' } | { type: 'uefi'; secureBoot: boolean; code: string; varsFile: string; descriptor: string };
  tpm: { socket: string; stateDir: string } | null;
  drives: Array<{ id: string; path: string; format: string; media: string; interface: string; readOnly: boolean; boot: boolean }>;
  boot: 'disk' | 'cdrom';
  /** The cloud-init seed (a read-only cdrom built at start); null without cloud_init. */
  cloudInit: { seed: string; driveId: string; tool: string; hostname: string; sshUser: string; sshLabel: string; keyFile: string | null } | null;
}

/** The summary of a plan's hardware. */
export function hardwareSummary(plan: Plan): HardwareSummary {
  const fw = plan.firmware;
  return {
    firmware: fw ? { type: 'uefi', secureBoot: fw.secureBoot, code: fw.code, varsFile: fw.varsFile, descriptor: fw.descriptor } : { type: 'bios' },
    tpm: plan.tpm ? { socket: plan.tpm.socket, stateDir: plan.tpm.stateDir } : null,
    drives: (plan.drives ?? []).map((d) => ({ id: d.id, path: d.path, format: d.format, media: d.media, interface: d.interface, readOnly: d.readOnly, boot: d.boot === true })),
    boot: plan.task.config.boot ?? 'disk',
    cloudInit: plan.cloudInit
      ? { seed: plan.cloudInit.seed, driveId: plan.cloudInit.driveId, tool: plan.cloudInit.tool.name, hostname: plan.cloudInit.hostname, sshUser: plan.cloudInit.sshUser, sshLabel: plan.cloudInit.sshLabel, keyFile: plan.cloudInit.keyFile ?? null }
      : null,
  };
}

/** The same as readable lines (no trailing newline). */
export function hardwareLines(plan: Plan): string[] {
  const s = hardwareSummary(plan);
  const fw = s.firmware;
  return [
    fw.type === 'uefi'
      ? `firmware: UEFI${fw.secureBoot ? ' with Secure Boot' : ''}: ${fw.code} (from ${fw.descriptor}); variable store ${fw.varsFile}`
      : 'firmware: BIOS (SeaBIOS, QEMU default)',
    s.tpm ? `tpm: TPM 2.0 from swtpm, socket ${s.tpm.socket}, state ${s.tpm.stateDir}` : 'tpm: none',
    ...s.drives.map((d) => `drive ${d.id}: ${d.path} (${d.format}, ${d.media} on ${d.interface}${d.readOnly ? ', read-only' : ''}${d.boot ? ', boots first' : ''})`),
    `boot: ${s.boot}`,
    ...(s.cloudInit
      ? [`cloud-init: seed ${s.cloudInit.seed} (cdrom ${s.cloudInit.driveId}, read-only, built at start with ${s.cloudInit.tool}); hostname ${s.cloudInit.hostname}; ssh ${s.cloudInit.sshUser} on port label "${s.cloudInit.sshLabel}"${s.cloudInit.keyFile ? ` with the generated key ${s.cloudInit.keyFile}` : ''}`]
      : []),
  ];
}
