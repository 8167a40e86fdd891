// The QEMU arguments an exported job carries so that a current Nomad forwards the VM's ports the way
// vmdesk does here, and their recognition on import (so import(export(task)) gives back the task).
//
// Why explicit arguments: Nomad's qemu driver builds hostfwd rules only from task-level networks
// (`resources { network { ... } }`, deprecated since Nomad 0.12) joined with port_map
// (drivers/qemu/driver.go, StartTask); with a group `network` block it forwards nothing
// (hashicorp/nomad#10033, #12833), and it never reads `to`. A group network port plus a user-mode
// netdev that names the port Nomad allocated (${NOMAD_HOST_PORT_<label>} on ${NOMAD_IP_<label>}) forwards
// on every Nomad since 0.12 without the deprecated form, and binds to the allocated address only.
import type { Task } from '../../shared/task';

/** The netdev id that marks the exported forwarding arguments. */
export const VMDESK_NETDEV_ID = 'vmdesk-net';
/** The NIC model; the same as Nomad's qemu driver attaches for port_map forwards. */
export const VMDESK_NIC = 'virtio-net-pci';

/** Escapes a value for QEMU's option syntax (a `,` is written `,,`). */
function qemuValue(v: string): string {
  return v.replace(/,/g, ',,');
}

/** The `-netdev`/`-device` pair for the task's forwards and DNS, or [] when it has neither. */
export function vmdeskNetworkArgs(task: Task): string[] {
  const parts = [`user`, `id=${VMDESK_NETDEV_ID}`];
  for (const [label, guest] of Object.entries(task.config.port_map)) {
    for (const proto of ['tcp', 'udp']) {
      parts.push(`hostfwd=${proto}:\${NOMAD_IP_${label}}:\${NOMAD_HOST_PORT_${label}}-:${guest}`);
    }
  }
  const server = task.dns.servers[0];
  if (server) parts.push(`dns=${qemuValue(server)}`);
  for (const s of task.dns.searches) parts.push(`dnssearch=${qemuValue(s)}`);
  if (parts.length === 2) return [];
  return ['-netdev', parts.join(','), '-device', `${VMDESK_NIC},netdev=${VMDESK_NETDEV_ID}`];
}

/** The `-smp` pair an exported job carries so the VM gets `cores` vCPUs (Nomad adds -smp only with KVM). */
export function vmdeskSmpArgs(task: Task): string[] {
  return task.resources.cores > 1 ? ['-smp', String(task.resources.cores)] : [];
}

/**
 * Removes the arguments vmdeskNetworkArgs/vmdeskSmpArgs added (vmdesk derives them from port_map, dns
 * and cores itself). Returns the remaining args and whether anything was removed.
 */
export function stripVmdeskArgs(args: string[], cores: number | undefined): { args: string[]; stripped: boolean } {
  const out = [...args];
  let stripped = false;
  const netdev = out.findIndex((a, i) => a === '-netdev' && out[i + 1]?.startsWith(`user,id=${VMDESK_NETDEV_ID},`));
  if (netdev >= 0 && out[netdev + 2] === '-device' && out[netdev + 3] === `${VMDESK_NIC},netdev=${VMDESK_NETDEV_ID}`) {
    out.splice(netdev, 4);
    stripped = true;
  }
  const n = out.length;
  if (stripped && n >= 2 && out[n - 2] === '-smp' && cores !== undefined && out[n - 1] === String(cores)) {
    out.splice(n - 2, 2);
  } else if (!stripped && netdev < 0 && n >= 2 && out[n - 2] === '-smp' && cores !== undefined && cores > 1 && out[n - 1] === String(cores)) {
    // An export without forwards carries only the -smp pair.
    out.splice(n - 2, 2);
    stripped = true;
  }
  return { args: out, stripped };
}
