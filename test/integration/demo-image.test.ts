// The demo image builder on this host's real Debian packages: a bootable FAT disk with the kernel, the
// initramfs and the syslinux config (booting it is covered by the app's end-to-end test).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemoImage, demoInitScript, demoTask, DEMO_MARKERS } from '../../src/main/demo/demo-image';
import { parseTask } from '../../src/shared/task';

const out = mkdtempSync(join(tmpdir(), 'vd-demo-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('demo image', () => {
  it('builds a bootable disk with every step reported', async () => {
    const steps: Array<[string, number, number]> = [];
    const { disk } = await buildDemoImage(out, (step, done, total) => steps.push([step, done, total]));
    expect(disk).toBe(join(out, 'disk.img'));
    expect(statSync(disk).size).toBe(40960 * 1024);
    const boot = readFileSync(disk).subarray(510, 512);
    expect([...boot]).toEqual([0x55, 0xaa]);
    const listing = execFileSync('mdir', ['-a', '-b', '-i', disk, '::'], { encoding: 'utf8' });
    for (const f of ['VMLINUZ', 'INITRD.GZ', 'SYSLINUX.CFG', 'LDLINUX.SYS']) expect(listing.toUpperCase()).toContain(f);
    expect(steps[0]![1]).toBe(0);
    expect(steps.at(-1)).toEqual(['Done', 6, 6]);
    expect(steps.map((s) => s[1])).toEqual([...steps.map((s) => s[1])].sort((a, b) => a - b));
  });

  it('has a valid task and an init that prints the ready marker and powers off on the power button', () => {
    const parsed = parseTask(demoTask('demo'));
    expect(parsed.ok && parsed.task.config).toMatchObject({ image_path: 'disk.img', graceful_shutdown: true, port_map: { http: 80 } });
    const init = demoInitScript('6.1.0', ['virtio_pci.ko']);
    expect(init).toContain(DEMO_MARKERS.ready);
    expect(init).toContain('acpid -c /etc/acpi -l /var/log/acpid.log');
    expect(init).toContain('insmod /lib/modules/6.1.0/$m');
  });
});
