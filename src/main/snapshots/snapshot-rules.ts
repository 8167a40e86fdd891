// Pure decisions for snapshots: which block nodes a QMP snapshot job covers (the VM state goes to the task's
// disk), what makes a VM unable to snapshot and what to do about it, tag names, and QEMU's snapshot records
// (query-block / qemu-img info: ImageInfo.snapshots) as vmdesk's Snapshot.
import { VmdeskError } from '../../shared/errors';
import type { Snapshot } from '../../shared/snapshot';

/** The drive id vmdesk gives the task's disk (drive-args.ts). */
export const TASK_DISK_ID = 'vmdesk-disk0';

/** One entry of QMP query-block, as far as snapshots care. */
export interface BlockDevice {
  device: string;
  inserted?: { 'node-name'?: string; drv: string; ro: boolean; file: string; image?: { snapshots?: QemuSnapshot[] } };
}

/** QEMU's SnapshotInfo (qapi/block-core.json). */
export interface QemuSnapshot {
  id: string;
  name: string;
  'vm-state-size': number;
  'date-sec': number;
  'date-nsec': number;
  'vm-clock-sec': number;
  'vm-clock-nsec': number;
}

/** What a snapshot job is given: the node that holds the VM state, and every node that gets a snapshot. */
export interface SnapshotTargets {
  vmstate: string;
  devices: string[];
}

const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a tag: 1-64 letters, digits, ".", "_", "-", not all digits (QEMU would read a number as a snapshot id). */
export function checkTag(tag: string): string {
  if (!TAG_PATTERN.test(tag) || /^\d+$/.test(tag)) {
    throw new VmdeskError('BAD_REQUEST', `"${tag}" is not a snapshot tag: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, not only digits`);
  }
  return tag;
}

/** The tag `save` uses when none is given: snap-YYYYMMDD-HHMMSS. */
export function defaultTag(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `snap-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** The message for a disk that cannot hold internal snapshots, with what to do. */
export function notQcow2Message(vm: string, file: string, format: string): string {
  return (
    `${vm}: ${file} is a ${format} image; snapshots need qcow2 (they are stored inside the image). ` +
    `Convert it while the VM is stopped (qemu-img convert -O qcow2 ${file} ${file.replace(/\.[^./]+$/, '')}.qcow2) and point image_path at the copy, ` +
    'or run the VM with "disposable": true (its snapshots then live in the throw-away overlay)'
  );
}

/**
 * The nodes of a running VM that a snapshot covers: every writable drive with media (all must be qcow2, as
 * QEMU's savevm requires), the VM state on the task's disk. Read-only drives (an installer ISO) are left out.
 */
export function snapshotTargets(vm: string, blocks: BlockDevice[]): SnapshotTargets {
  const disk = blocks.find((b) => b.device === TASK_DISK_ID)?.inserted;
  if (!disk || !disk['node-name']) {
    throw new VmdeskError('SNAPSHOT_UNSUPPORTED', `${vm}: QEMU reports no disk "${TASK_DISK_ID}" (drive_interface "none" with no device?); there is nowhere to store a snapshot`);
  }
  if (disk.ro) {
    throw new VmdeskError('SNAPSHOT_UNSUPPORTED', `${vm}: its disk ${disk.file} is read-only, so it cannot store a snapshot; make the image writable, or run the VM with "disposable": true`);
  }
  const devices: string[] = [];
  for (const b of blocks) {
    const i = b.inserted;
    if (!i || i.ro || !i['node-name']) continue;
    if (i.drv !== 'qcow2') throw new VmdeskError('SNAPSHOT_UNSUPPORTED', notQcow2Message(vm, i.file, i.drv));
    devices.push(i['node-name']);
  }
  return { vmstate: disk['node-name'], devices };
}

/** The snapshots on the task's disk, as query-block reports them. */
export function snapshotsOfBlocks(blocks: BlockDevice[]): Snapshot[] {
  return (blocks.find((b) => b.device === TASK_DISK_ID)?.inserted?.image?.snapshots ?? []).map(fromQemu);
}

/** QEMU's SnapshotInfo as vmdesk's Snapshot. */
export function fromQemu(s: QemuSnapshot): Snapshot {
  return {
    tag: s.name,
    id: s.id,
    createdAt: new Date(s['date-sec'] * 1000 + Math.floor(s['date-nsec'] / 1e6)).toISOString(),
    vmStateBytes: s['vm-state-size'],
    vmClockMs: s['vm-clock-sec'] * 1000 + Math.floor(s['vm-clock-nsec'] / 1e6),
  };
}

/** A failed snapshot job's error (query-jobs `error`) as a message that says why and what to do. */
export function explainJobError(vm: string, op: 'save' | 'restore' | 'delete', tag: string, error: string): VmdeskError {
  if (/does not exist|not found|can't find|cannot find/i.test(error)) {
    return new VmdeskError('SNAPSHOT_NOT_FOUND', `${vm} has no snapshot "${tag}" (QEMU: ${error}); see vmdesk snapshot ${vm} ls`);
  }
  if (/already exists/i.test(error)) {
    return new VmdeskError('SNAPSHOT_FAILED', `${vm} already has a snapshot "${tag}"; choose another tag or remove it first (vmdesk snapshot ${vm} rm ${tag})`);
  }
  if (/migrat|blocker|non-migratable|blocked/i.test(error)) {
    return new VmdeskError(
      'SNAPSHOT_UNSUPPORTED',
      `${vm}: a device blocks migration, so QEMU cannot save or load the VM state (QEMU: ${error}). ` +
        'Remove that device from the task\'s args, or stop the VM and take a disk-only snapshot (vmdesk snapshot NAME save TAG on a stopped VM)',
    );
  }
  if (/does not support snapshots/i.test(error)) {
    return new VmdeskError('SNAPSHOT_UNSUPPORTED', `${vm}: ${error}; every writable drive must be qcow2 (qemu-img convert -O qcow2), or run the VM with "disposable": true`);
  }
  return new VmdeskError('SNAPSHOT_FAILED', `snapshot ${op} "${tag}" of ${vm} failed: ${error}`);
}
