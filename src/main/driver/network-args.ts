// User-mode networking (slirp): port forwards and DNS search domains, in -netdev JSON syntax so that no task
// value can add a netdev option. QAPI NetdevUserOptions: hostfwd and dnssearch are lists of {"str": ...}.
//
// DNS servers: slirp's `dns=` is NOT an upstream server. It is the virtual nameserver address inside the
// user network (10.0.2.3 by default) that DHCP hands to the guest; slirp answers queries sent to it by
// asking the host's resolvers (libslirp: packets to vnameserver_addr go to the host's DNS). Nomad passes
// dns=<first server>, which QEMU 7.2 accepts even outside 10.0.2.0/24 and which then makes the guest's
// traffic to, say, 1.1.1.1:53 go to the host's resolver instead: the opposite of what the task asked.
// So vmdesk does not pass dns servers to QEMU; the plan warns instead. A guest that must use a specific
// server can be configured to query it directly: user networking forwards UDP/TCP 53 to the real address.
// Search domains mean what they say (DHCP option 119) and are passed as dnssearch.
import type { PortForward } from '../../shared/plan';
import { jsonOpt } from './qemu-syntax';

/** The id of the user network backend. */
export const NETDEV_ID = 'vmdesk-net0';

/**
 * The NIC model. `virtio-net` is QEMU's alias that picks the bus-appropriate device (virtio-net-pci on
 * PCI machines, virtio-net-device on virtio-mmio ones), which is what Nomad uses; the fastest emulated NIC
 * and supported by every current Linux/BSD guest kernel.
 */
export const NIC_DRIVER = 'virtio-net';

/** One hostfwd rule as slirp writes it: `tcp:<bind>:<host>-:<guest>`. */
export function hostfwdRule(protocol: 'tcp' | 'udp', bind: string, host: number, guest: number): string {
  return `${protocol}:${bind}:${host}-:${guest}`;
}

/** The JSON -netdev value: user networking with every forward and the search domains. */
export function netdevJson(ports: readonly PortForward[], searches: readonly string[]): string {
  const hostfwd = ports.flatMap((p) => p.protocols.map((proto) => ({ str: hostfwdRule(proto, p.bind, p.host, p.guest) })));
  return jsonOpt({
    type: 'user',
    id: NETDEV_ID,
    ...(hostfwd.length > 0 ? { hostfwd } : {}),
    ...(searches.length > 0 ? { dnssearch: searches.map((s) => ({ str: s })) } : {}),
  });
}

/** The argv tokens for the network: the user netdev and the NIC. */
export function networkArgs(ports: readonly PortForward[], searches: readonly string[]): string[] {
  return ['-netdev', netdevJson(ports, searches), '-device', jsonOpt({ driver: NIC_DRIVER, netdev: NETDEV_ID })];
}

/** The warning for DNS servers the task names (see the comment at the top of this file). */
export function dnsServersWarning(servers: readonly string[]): string | undefined {
  if (servers.length === 0) return undefined;
  return (
    `dns.servers (${servers.join(', ')}) not applied: QEMU user networking cannot choose upstream DNS servers. ` +
    "The guest's DHCP nameserver is 10.0.2.3, which forwards to this host's resolvers; configure the server " +
    'inside the guest to query it directly (user networking forwards port 53 to it).'
  );
}
