// The small demo Linux image the app offers on first run: a guest with a web page on port 80, qemu-ga, and a
// power button that powers off (so graceful stop works). Built by the shared guest image builder.
import { join } from 'node:path';
import type { TaskFile } from '../../shared/task';
import { buildGuestImage, GUEST_MODULES, type BuildProgress, type GuestImageSpec } from './guest-image';

/** What the demo guest prints on its console when it is ready, and what its web page says. */
export const DEMO_MARKERS = { ready: 'VMDESK-DEMO-READY', httpBody: 'Hello from the vmdesk demo VM' } as const;

/** Progress callback: step label, steps done, steps in all. */
export type DemoProgress = BuildProgress;

/** The /init script of the demo guest. Pure. */
export function demoInitScript(kernelVersion: string, moduleFiles: readonly string[]): string {
  return `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${moduleFiles.join(' ')}; do insmod /lib/modules/${kernelVersion}/$m 2>/dev/null; done
ip link set lo up
ip link set eth0 up 2>/dev/null
ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
ip route add default via 10.0.2.2 2>/dev/null
httpd -p 80 -h /www
# busybox acpid needs /var/log (GUEST-IMAGE.md); the power button powers off, so graceful stop works.
acpid -c /etc/acpi -l /var/log/acpid.log
port=""
for p in /sys/class/virtio-ports/*; do
  [ -f "$p/name" ] && [ "$(cat $p/name)" = "org.qemu.guest_agent.0" ] && port="/dev/$(basename $p)"
done
[ -n "$port" ] && qemu-ga -m virtio-serial -p "$port" -f /run/qemu-ga.pid -d
echo "${DEMO_MARKERS.ready}: the demo VM is up; its web page is on guest port 80" > /dev/console
while true; do setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'; sleep 1; done
`;
}

/** The demo guest for the image builder. Pure. */
export function demoSpec(): GuestImageSpec {
  return {
    modules: GUEST_MODULES,
    init: demoInitScript,
    files: {
      'www/index.html': { content: `<html><body><h1>${DEMO_MARKERS.httpBody}</h1></body></html>\n` },
      'etc/acpi/PWRF/00000080': { content: '#!/bin/sh\npoweroff -f\n', executable: true },
    },
    disks: { 'disk.img': '' },
  };
}

/** The demo VM's task (relative image path: the task file lives next to the disk). Pure. */
export function demoTask(name: string): TaskFile {
  return {
    name,
    config: {
      image_path: 'disk.img',
      accelerator: 'tcg',
      graceful_shutdown: true,
      guest_agent: true,
      port_map: { http: 80 },
    },
    resources: { memory: 128, cores: 1 },
    ports: { http: 0 },
    kill_timeout: '10s',
  };
}

/** Builds the demo disk into `outDir/disk.img`. About a second on a typical machine; `onProgress` hears each step. */
export async function buildDemoImage(outDir: string, onProgress: DemoProgress = () => {}): Promise<{ disk: string }> {
  await buildGuestImage(demoSpec(), outDir, onProgress);
  return { disk: join(outDir, 'disk.img') };
}
