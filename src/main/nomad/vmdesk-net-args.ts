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
import { NETDEV_ID, NIC_DRIVER } from '../driver/network-args';

/** The netdev id that marks the exported forwarding arguments (the one vmdesk's planner uses). */
export const VMDESK_NETDEV_ID = NETDEV_ID;
/** The NIC model vmdesk's planner attaches (the same as Nomad's qemu driver does for port_map forwards). */
export const VMDESK_NIC = NIC_DRIVER;

/**
 * The `-netdev`/`-device` pair that gives the VM on Nomad what vmdesk's planner gives it here: a user network
 * with a forward per port_map label (TCP and UDP, as Nomad's driver does), bound to the address Nomad allocated
 * for the port, and the DNS search domains. DNS servers are not passed (vmdesk does not either: slirp's dns=
 * is the guest-side resolver address, see driver/network-args.ts). Always present, because vmdesk always
 * attaches this NIC, and without it QEMU would add its default e1000.
 */
export function vmdeskNetworkArgs(task: Task): string[] {
  const parts = ['user', `id=${VMDESK_NETDEV_ID}`];
  for (const [label, guest] of Object.entries(task.config.port_map)) {
    for (const proto of ['tcp', 'udp']) parts.push(`hostfwd=${proto}:\${NOMAD_IP_${label}}:\${NOMAD_HOST_PORT_${label}}-:${guest}`);
  }
  // Search domains are host names (the task schema allows no ","), so QEMU's comma syntax is safe here.
  for (const s of task.dns.searches) parts.push(`dnssearch=${s}`);
  return ['-netdev', parts.join(','), '-device', `${VMDESK_NIC},netdev=${VMDESK_NETDEV_ID}`];
}

/** The `-smp` pair an exported job carries so the VM gets `cores` vCPUs (Nomad adds -smp only with KVM). */
export function vmdeskSmpArgs(task: Task): string[] {
  return task.resources.cores > 1 ? ['-smp', String(task.resources.cores)] : [];
}

/**
 * Removes the arguments vmdeskNetworkArgs/vmdeskSmpArgs added (vmdesk derives them from port_map, dns and
 * cores itself). The pair is recognised by its netdev id and NIC; a trailing `-smp N` right after it, with N
 * equal to the task's cores, is the exported one.
 */
export function stripVmdeskArgs(args: string[], cores: number | undefined): { args: string[]; stripped: boolean } {
  const out = [...args];
  const i = out.findIndex(
    (a, k) =>
      a === '-netdev' &&
      (out[k + 1] === `user,id=${VMDESK_NETDEV_ID}` || out[k + 1]?.startsWith(`user,id=${VMDESK_NETDEV_ID},`)) &&
      out[k + 2] === '-device' &&
      out[k + 3] === `${VMDESK_NIC},netdev=${VMDESK_NETDEV_ID}`,
  );
  if (i < 0) return { args: out, stripped: false };
  out.splice(i, 4);
  if (out[i] === '-smp' && cores !== undefined && cores > 1 && out[i + 1] === String(cores) && i + 2 === out.length) out.splice(i, 2);
  return { args: out, stripped: true };
}
