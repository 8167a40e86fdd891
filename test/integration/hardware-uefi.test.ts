// UEFI on real QEMU with Debian's OVMF (found through QEMU's firmware descriptors): the test guest's ESP
// (GRUB as \EFI\BOOT\BOOTX64.EFI) boots to the ready marker; the VM's own variable store is written by the
// firmware (its boot entries) and kept across a stop and a start; with Secure Boot and Microsoft's keys
// enrolled, the unsigned GRUB is refused as the firmware reports it ("Access Denied") and vmdesk says so.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { guestEsp, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
let t: TempHome;
let sup: SupervisorApi;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
// OVMF stores boot entries as UTF-16LE descriptions ("UEFI QEMU HARDDISK QM00001 ").
const bootEntry = Buffer.from('UEFI QEMU HARDDISK', 'utf16le');

const uefiTask = (name: string, config: Record<string, unknown> = {}) =>
  guestTask(name, guestEsp, {}, { machine_type: 'q35', firmware: 'uefi', ...config });

async function consoleShows(name: string, text: string, fromOffset: number): Promise<void> {
  const seen: Buffer[] = [];
  const unsubscribe = sup.subscribeConsole(name, (c) => void seen.push(Buffer.from(c)), { fromOffset });
  try {
    await waitFor(`${text} on ${name}'s console`, () => Buffer.concat(seen).includes(text), 900_000);
  } finally {
    unsubscribe();
  }
}

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});

afterAll(async () => {
  try {
    await Promise.all(['efi', 'sb'].map((n) => sup?.stop(n, { force: true }).catch(() => undefined)));
    await sup?.close();
  } finally {
    killTracked();
    t?.remove();
  }
});

describe('UEFI firmware on a real guest', () => {
  it('boots the ESP through OVMF, and keeps the VM variable store across a stop and a start', async () => {
    const task = { ...uefiTask('efi'), resources: { memory: 512, cores: 1 } };
    const plan = await sup.plan({ task, taskDir: t.home });
    expect(plan.firmware).toMatchObject({ secureBoot: false, code: expect.stringMatching(/OVMF_CODE/), varsTemplate: expect.stringMatching(/OVMF_VARS/) });
    expect(plan.firmware!.descriptor).toMatch(/\/qemu\/firmware\/.*\.json$/);

    const info = await sup.start({ task, taskDir: t.home });
    trackPid(info.pid);
    const vars = plan.firmware!.varsFile;
    expect(statSync(vars).mode & 0o777).toBe(0o600);
    await consoleShows('efi', 'BdsDxe', 0);
    await consoleShows('efi', markers.ready, 0);
    await sup.stop('efi', { timeoutMs: 30_000 });

    // The firmware saved its boot entries in the VM's copy, never in the template.
    const afterFirst = readFileSync(vars);
    expect(afterFirst.includes(bootEntry)).toBe(true);
    expect(readFileSync(plan.firmware!.varsTemplate).includes(bootEntry)).toBe(false);
    const hash = sha(vars);

    const offset = statSync(plan.paths.consoleLog).size;
    const again = await sup.start({ task, taskDir: t.home });
    trackPid(again.pid);
    // Not re-copied from the template at start: the same store, boot entries included.
    expect(sha(vars)).toBe(hash);
    await consoleShows('efi', markers.ready, offset);
    await sup.stop('efi', { timeoutMs: 30_000 });
    expect(readFileSync(vars).includes(bootEntry)).toBe(true);
  });

  it('Secure Boot with enrolled keys refuses the unsigned GRUB as the firmware reports it, and vmdesk says so', async () => {
    const task = { ...uefiTask('sb', { secure_boot: true }), resources: { memory: 512, cores: 1 } };
    const plan = await sup.plan({ task, taskDir: t.home });
    expect(plan.firmware).toMatchObject({ secureBoot: true, requiresSmm: true, code: expect.stringMatching(/OVMF_CODE.*\.ms\.fd|secboot/) });
    expect(plan.argv).toContain('driver=cfi.pflash01,property=secure,value=on');
    const info = await sup.start({ task, taskDir: t.home });
    trackPid(info.pid);
    await consoleShows('sb', 'Access Denied', 0);
    const event = await waitFor('the secure-boot-refused event', async () => (await sup.events('sb')).find((e) => e.type === 'secure-boot-refused'), 60_000, 500);
    expect(event.kind).toBe('error');
    expect(event.message).toMatch(/Secure Boot refused to start the boot loader of Boot\d{4} \("UEFI QEMU HARDDISK.*"Access Denied".*not signed/);
    // The guest never started.
    const log = readFileSync(plan.paths.consoleLog, 'utf8');
    expect(log).not.toContain(markers.ready);
  });
});
