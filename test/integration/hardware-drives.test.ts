// Extra drives on real QEMU with the real test guest: a data disk (and a read-only one) show up in the guest
// with their sizes, and an ISO boots with boot: "cdrom" onto an empty disk.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { guestDisk, guestIso, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
let t: TempHome;
let sup: SupervisorApi;

async function consoleShows(name: string, text: string): Promise<void> {
  const seen: Buffer[] = [];
  const unsubscribe = sup.subscribeConsole(name, (c) => void seen.push(Buffer.from(c)), { fromOffset: 0 });
  try {
    await waitFor(`${text} on ${name}'s console`, () => Buffer.concat(seen).includes(text), 900_000);
  } finally {
    unsubscribe();
  }
}

beforeAll(async () => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  createImage(join(t.home, 'data.qcow2'), 'qcow2', '32M');
  createImage(join(t.home, 'ro.raw'), 'raw', '8M');
  createImage(join(t.home, 'empty.qcow2'), 'qcow2', '64M');
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
  const [disks, cd] = await Promise.all([
    sup.start({
      task: guestTask('disks', guestDisk, { disposable: true }, { drives: [{ path: 'data.qcow2', interface: 'virtio' }, { path: 'ro.raw', interface: 'virtio', read_only: true }] }),
      taskDir: t.home,
    }),
    sup.start({
      task: guestTask('cd', 'empty.qcow2', {}, { drives: [{ path: guestIso, media: 'cdrom' }], boot: 'cdrom' }),
      taskDir: t.home,
    }),
  ]);
  trackPid(disks.pid);
  trackPid(cd.pid);
});

afterAll(async () => {
  try {
    await Promise.all(['disks', 'cd'].map((n) => sup?.stop(n, { force: true }).catch(() => undefined)));
    await sup?.close();
  } finally {
    killTracked();
    t?.remove();
  }
});

describe('extra drives on a real guest', () => {
  it('the data disk and the read-only disk show up in the guest with their sizes', async () => {
    await consoleShows('disks', markers.ready);
    const r = await waitFor('the guest agent', () => sup.agent.exec('disks', ['/bin/sh', '-c', 'for d in vda vdb; do echo $d $(cat /sys/block/$d/size) $(cat /sys/block/$d/ro); done']), 120_000, 1_000);
    // 512-byte sectors: 32 MiB = 65536, 8 MiB = 16384; the second is read-only.
    expect(r.stdout).toBe('vda 65536 0\nvdb 16384 1\n');
    const info = await sup.inspect('disks');
    expect(info.state).toBe('running');
  });

  it('boots the ISO with boot: "cdrom" (ISOLINUX from the CD, not the empty disk)', async () => {
    await consoleShows('cd', 'ISOLINUX');
    await consoleShows('cd', markers.ready);
  });
});
