// The cloud-init part of the plan: the seed's place, the cdrom that carries it, and how `vmdesk ssh` logs in.
// Pure: the {file} sources are read and the seed tool found by seed-resolve.ts; the ISO is written at start
// (seed-build.ts). buildPlan calls planCloudInit and splices its argv in after the hardware's.
import { join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { PlannedCloudInit, VmPaths } from '../../shared/plan';
import type { Task } from '../../shared/task';
import { attachDriveArgs, EXTRA_SCSI_CONTROLLER_ID, scsiControllerArgs } from '../driver/extra-drives';
import { vmKeyFile, vmKnownHostsFile } from './ssh-key';
import { SEED_TOOL_HINT, type SeedTool } from './seed-tool';

/** The QEMU drive id of the seed cdrom. */
export const SEED_DRIVE_ID = 'vmdesk-seed';

/** What the I/O layer found for the cloud_init block: the texts of its sources and the seed tool. */
export interface ResolvedCloudInit {
  userData?: string;
  networkConfig?: string;
  /** undefined: neither genisoimage nor xorriso is on PATH. */
  tool?: SeedTool;
}

/** The planned seed, its argv and warnings; undefined when the task has no cloud_init. Throws a VmdeskError. Pure. */
export function planCloudInit(
  task: Task,
  paths: VmPaths,
  resolved: ResolvedCloudInit | undefined,
  opts: { x86: boolean; scsiControllerPresent: boolean },
): { planned: PlannedCloudInit; argv: string[]; warnings: string[] } | undefined {
  const ci = task.config.cloud_init;
  if (!ci) return undefined;
  if (!resolved) throw new VmdeskError('INTERNAL', 'cloud_init needs the resolved seed sources (plan it through planTask)');
  if (!resolved.tool) {
    throw new VmdeskError('INVALID_TASK', `cloud_init: no program to build the seed ISO was found on PATH; ${SEED_TOOL_HINT}`, 'config.cloud_init');
  }
  const warnings: string[] = [];
  if (!(ci.ssh_port in task.config.port_map)) {
    warnings.push(`cloud_init: port_map has no "${ci.ssh_port}" label, so \`vmdesk ssh\` cannot reach the guest; add "port_map": {"${ci.ssh_port}": 22} and "ports": {"${ci.ssh_port}": 0}`);
  }
  const planned: PlannedCloudInit = {
    seed: join(paths.vmDir, 'cloud-init', 'seed.iso'),
    driveId: SEED_DRIVE_ID,
    tool: { name: resolved.tool.name, path: resolved.tool.path },
    ...(resolved.userData !== undefined ? { userData: resolved.userData } : {}),
    ...(resolved.networkConfig !== undefined ? { networkConfig: resolved.networkConfig } : {}),
    ...(ci.meta_data !== undefined ? { metaData: ci.meta_data } : {}),
    hostname: ci.hostname ?? task.name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63),
    sshUser: ci.ssh_user,
    sshLabel: ci.ssh_port,
    ...(ci.ssh_authorized_keys !== undefined ? { authorizedKeys: ci.ssh_authorized_keys } : { keyFile: vmKeyFile(paths.vmDir) }),
    knownHosts: vmKnownHostsFile(paths.vmDir),
  };
  // x86 PC machines: an IDE cdrom (SeaBIOS, OVMF and every Linux have the driver); elsewhere a SCSI cdrom.
  const iface = opts.x86 ? 'ide' : 'scsi';
  const spec = { id: SEED_DRIVE_ID, file: planned.seed, format: 'raw', media: 'cdrom' as const, interface: iface as 'ide' | 'scsi', readOnly: true };
  const argv = [...(iface === 'scsi' && !opts.scsiControllerPresent ? scsiControllerArgs() : []), ...attachDriveArgs(spec, `${EXTRA_SCSI_CONTROLLER_ID}.0`)];
  return { planned, argv, warnings };
}
