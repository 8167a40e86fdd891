// The test guest, as a spec for vmdesk's guest image builder (src/main/demo/guest-image.ts):
//   disk.img          boots to a shell on ttyS0, prints the ready marker, a tick every second, serves HTTP
//                     on :80, runs qemu-ga, powers off on the ACPI power button (acpid).
//   disk-nopower.img  the same guest with `vmdesk.ignore_power_button` on the kernel command line: acpid
//                     logs the button press and does nothing (for the "falls through to quit" test).
//   disk-vga.img      the same guest with the kernel's VGA text console too (`console=tty0`, ttyS0 stays
//                     /dev/console, so every serial marker is unchanged) and `vmdesk.vga`: a shell on tty1 (the
//                     screen and the PS/2 keyboard) and a tick on the screen every second.
import { GUEST_MODULES, type GuestImageSpec } from '../../src/main/demo/guest-image';

/** Markers the guest prints on its serial console; tests read them from guest.json. */
export const MARKERS = {
  ready: 'VMDESK-GUEST-READY',
  tick: 'VMDESK-TICK',
  powerButtonIgnored: 'VMDESK-POWER-BUTTON-IGNORED',
  httpBody: 'vmdesk test guest says hello',
  vgaTick: 'VMDESK-VGA-TICK',
};

/** The test guest for the image builder. */
export const testGuestSpec: GuestImageSpec = {
  modules: GUEST_MODULES,
  init: (kver, moduleFiles) => `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
for m in ${moduleFiles.join(' ')}; do insmod /lib/modules/${kver}/$m 2>/dev/null; done
ip link set lo up
ip link set eth0 up 2>/dev/null
ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
ip route add default via 10.0.2.2 2>/dev/null
httpd -p 80 -h /www
acpid -c /etc/acpi -l /var/log/acpid.log
port=""
for p in /sys/class/virtio-ports/*; do
  [ -f "$p/name" ] && [ "$(cat $p/name)" = "org.qemu.guest_agent.0" ] && port="/dev/$(basename $p)"
done
if [ -n "$port" ]; then
  qemu-ga -m virtio-serial -p "$port" -f /run/qemu-ga.pid -d
  echo "vmdesk guest: qemu-ga on $port" > /dev/console
fi
echo "${MARKERS.ready}" > /dev/console
( i=0; while true; do i=$((i+1)); echo "${MARKERS.tick} $i" > /dev/console; sleep 1; done ) &
if grep -q vmdesk.vga /proc/cmdline; then
  ( i=0; while true; do i=$((i+1)); echo "${MARKERS.vgaTick} $i" > /dev/tty1; sleep 1; done ) &
  ( while true; do setsid sh -c 'exec sh -i </dev/tty1 >/dev/tty1 2>&1'; sleep 1; done ) &
fi
# A shell on the serial console, so console input can be tested.
while true; do setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'; sleep 1; done
`,
  files: {
    'www/index.html': { content: `<html><body>${MARKERS.httpBody}</body></html>\n` },
    'etc/acpi/PWRF/00000080': { content: '#!/bin/sh\nexec /bin/sh /etc/acpi/power-button.sh\n', executable: true },
    'etc/acpi/power-button.sh': {
      content: `#!/bin/sh
if grep -q vmdesk.ignore_power_button /proc/cmdline; then
  echo "${MARKERS.powerButtonIgnored}" > /dev/console
else
  echo "vmdesk guest: power button, powering off" > /dev/console
  poweroff -f
fi
`,
    },
  },
  disks: { 'disk.img': '', 'disk-nopower.img': ' vmdesk.ignore_power_button', 'disk-vga.img': ' console=tty0 console=ttyS0 vmdesk.vga' },
};
