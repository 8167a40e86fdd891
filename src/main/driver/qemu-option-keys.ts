// Which parts of each QEMU option's argument are host paths, disk images or host commands, taken from QEMU
// 7.2's own option tables: qemu-options.hx (HAS_ARG options and their syntax), the QemuOptsList definitions
// (softmmu/vl.c, util/qemu-config.c, blockdev.c qemu_drive_opts / qemu_common_drive_opts, chardev/char.c
// qemu_chardev_opts, trace/control.c qemu_trace_opts, net/net.c) and the QAPI schemas (qapi/block-core.json
// BlockdevOptions*, qapi/net.json Netdev*, qapi/qom.json ObjectOptions, qapi/char.json).
//
// The rule is fail closed: a key is treated as a path unless it is listed here as a key that is not one
// (PLAIN keys: ids, numbers, names, addresses...). A path is allowed when it resolves inside the task's
// directory or image_paths, so a wrong "path" verdict on a harmless value ("on", "virtio") still passes;
// a missing PLAIN entry can only make vmdesk refuse a value with "/", ".." or ":" in it, never let one out.

/** How an option's argument is written. */
export type OptionSyntax =
  | 'path' //        the whole argument is a host path (-kernel /x)
  | 'image' //       the whole argument is a disk image QEMU probes (-hda /x, -cdrom /x)
  | 'opts' //        QemuOpts / keyval "k=v,k=v" (with the implied first key)
  | 'json-or-opts' // JSON when it starts with "{", else QemuOpts (-netdev, -device, -object, -blockdev ...)
  | 'chardev-spec' // a legacy character device spec: "file:/x", "tcp::4444,server=on", "unix:/x", "/dev/ttyS0" ...
  | 'plain'; //      no host path anywhere (-m 512, -smp 2, -uuid ...)

/** What vmdesk knows about one option. */
export interface OptionKeys {
  syntax: OptionSyntax;
  /** The implied key of the first item (QemuOptsList.implied_opt_name). */
  implied?: string;
  /** Keys (last dotted segment) whose value is not a host path. */
  plain?: readonly string[];
  /** Keys whose value is a host program QEMU runs. */
  commands?: readonly string[];
}

// Keys that are never paths, whatever the option (ids, references to other objects, sizes, switches).
const COMMON_PLAIN = [
  'id', 'node-name', 'driver', 'type', 'if', 'bus', 'unit', 'index', 'media', 'format', 'cache', 'aio', 'discard',
  'detect-zeroes', 'readonly', 'read-only', 'snapshot', 'copy-on-read', 'werror', 'rerror', 'serial', 'addr',
  'bootindex', 'drive', 'netdev', 'chardev', 'memdev', 'fsdev', 'mode', 'size', 'share', 'prealloc', 'merge',
  'dump', 'policy', 'host-nodes', 'mac', 'vectors', 'multifunction', 'romsize', 'rombar', 'x-pci-vendor-id',
  'iothread', 'num-queues', 'queues', 'disable-legacy', 'disable-modern', 'logical_block_size',
  'physical_block_size', 'wwn', 'vendor', 'model', 'product', 'ver', 'mount_tag', 'security_model', 'writeout',
  'multidevs', 'throttling.iops-total', 'auto-read-only', 'force-share', 'locking', 'cache.direct',
  'cache.no-flush', 'backing', 'lazy-refcounts', 'pass-discard-request', 'overlap-check', 'l2-cache-size',
  'refcount-cache-size', 'cache-clean-interval', 'server', 'wait', 'telnet', 'websocket', 'tn3270', 'nodelay',
  'delay', 'reconnect', 'mux', 'signal', 'logappend', 'tls-creds', 'tls-authz', 'debug', 'name', 'value',
  'port', 'host', 'to', 'ipv4', 'ipv6', 'localaddr', 'localport', 'abstract', 'tight', 'cols', 'rows', 'width',
  'height', 'backend', 'fd', 'vhostfd', 'vhost', 'vhostforce', 'sndbuf', 'vnet_hdr', 'ifname', 'br', 'poll-us',
  'hubid', 'netdev-id', 'restrict', 'net', 'hostname', 'dhcpstart', 'dns', 'dnssearch', 'domainname',
  'ipv6-prefix', 'ipv6-prefixlen', 'ipv6-host', 'ipv6-dns', 'ipv6-net', 'smbserver', 'hostfwd', 'guestfwd',
  'bootfile', 'tftp-server-name', 'listen', 'connect', 'mcast', 'udp', 'str', 'tls', 'server-name', 'user',
  'dev', 'bootorder', 'locked', 'multi', 'qom-type', 'cpus', 'maxcpus', 'sockets', 'dies', 'clusters', 'cores',
  'threads', 'slots', 'maxmem', 'guest', 'process', 'debug-threads', 'order', 'once', 'menu', 'splash-time',
  'reboot-timeout', 'strict', 'base', 'clock', 'driftfix', 'enable', 'disable', 'level', 'timeout', 'count',
  'accel', 'kvm-shadow-mem', 'kernel-irqchip', 'dump-guest-core', 'mem-merge', 'usb', 'graphics', 'nvdimm',
  'hmat', 'smm', 'vmport', 'pic', 'pit', 'sata', 'max-ram-below-4g', 'memory-backend', 'append', 'suppress-vmdesc',
  'confidential-guest-support', 'pflash0', 'pflash1', 'thread', 'tb-size', 'split-wx', 'one-insn-per-tb',
  'intel-iommu', 'smbus', 'acpi', 'hpet', 'fd-bootchk', 'audiodev', 'in.frequency', 'out.frequency', 'timer-period',
  'mixing-engine', 'fixed-settings', 'frequency', 'channels', 'voices', 'buffer-length', 'oem_id', 'oem_table_id',
  'oem_rev', 'asl_compiler_id', 'asl_compiler_rev', 'sig', 'rev', 'cpu', 'node', 'nodeid', 'memdev', 'initiator',
  'target', 'distance', 'src', 'dst', 'val', 'gpio', 'msi', 'ioeventfd', 'event_idx', 'indirect_desc', 'any_layout',
  'packed', 'page-per-vq', 'iommu_platform', 'ats', 'x-disable-pcie', 'request-merging', 'max_sectors',
  'secs', 'heads', 'cyls', 'trans', 'bios-chs-trans', 'lcyls', 'lheads', 'lsecs', 'rotation_rate', 'discard_granularity',
  'opt_io_size', 'min_io_size', 'write-cache', 'share-rw', 'scsi', 'config-wce', 'seg-max-adjust', 'queue-size',
  'vlan', 'model', 'speed', 'duplex', 'tx', 'rx_queue_size', 'tx_queue_size', 'mq', 'csum', 'gso', 'guest_csum',
  'guest_tso4', 'guest_tso6', 'guest_ecn', 'guest_ufo', 'host_tso4', 'host_tso6', 'host_ecn', 'host_ufo',
  'mrg_rxbuf', 'status', 'ctrl_vq', 'ctrl_rx', 'ctrl_vlan', 'ctrl_mac_addr', 'failover', 'reset',
];

const table: Record<string, OptionKeys> = {
  // Whole-argument paths (qemu-options.hx HAS_ARG "file" / "dir" options). -k and -bios/-option-rom/-dtb go
  // through qemu_find_file(), which tries the name as a plain path before the data directories.
  '-kernel': { syntax: 'path' }, '-initrd': { syntax: 'path' }, '-bios': { syntax: 'path' }, '-dtb': { syntax: 'path' },
  '-L': { syntax: 'path' }, '-readconfig': { syntax: 'path' }, '-option-rom': { syntax: 'path' }, '-k': { syntax: 'path' },
  '-mem-path': { syntax: 'path' }, '-pidfile': { syntax: 'path' }, '-D': { syntax: 'path' }, '-chroot': { syntax: 'path' },
  '-writeconfig': { syntax: 'path' },
  // Disk images given without a format (QEMU probes it).
  '-hda': { syntax: 'image' }, '-hdb': { syntax: 'image' }, '-hdc': { syntax: 'image' }, '-hdd': { syntax: 'image' },
  '-cdrom': { syntax: 'image' }, '-fda': { syntax: 'image' }, '-fdb': { syntax: 'image' }, '-pflash': { syntax: 'image' },
  '-mtdblock': { syntax: 'image' }, '-sd': { syntax: 'image' },
  // QemuOpts options.
  '-drive': { syntax: 'opts', plain: ['file.driver', 'file.locking', 'file.aio', 'throttling.bps-total'] },
  '-blockdev': { syntax: 'json-or-opts' },
  '-netdev': { syntax: 'json-or-opts', implied: 'type', commands: ['script', 'downscript', 'helper'] },
  '-nic': { syntax: 'opts', implied: 'type', commands: ['script', 'downscript', 'helper'] },
  '-net': { syntax: 'opts', implied: 'type', commands: ['script', 'downscript', 'helper'] },
  '-device': { syntax: 'json-or-opts', implied: 'driver' },
  '-object': { syntax: 'json-or-opts', implied: 'qom-type' },
  '-chardev': { syntax: 'opts', implied: 'backend' },
  '-fsdev': { syntax: 'opts', implied: 'fsdriver' },
  '-virtfs': { syntax: 'opts', implied: 'fsdriver' },
  '-audiodev': { syntax: 'json-or-opts', implied: 'driver' },
  '-plugin': { syntax: 'opts', implied: 'file' },
  '-trace': { syntax: 'opts', implied: 'enable' }, // qemu_trace_opts: enable, events (a file), file (a file)
  '-acpitable': { syntax: 'opts' }, // file= and data= (colon-separated files) are paths
  '-smbios': { syntax: 'opts', implied: 'type' }, // file= is a path
  '-fw_cfg': { syntax: 'opts', implied: 'name' }, // file= is a path, string= is not
  '-boot': { syntax: 'opts', implied: 'order' }, // splash= is a path
  '-machine': { syntax: 'opts', implied: 'type' }, // kernel, initrd, dtb, dumpdtb, firmware are paths
  '-M': { syntax: 'opts', implied: 'type' },
  '-accel': { syntax: 'opts', implied: 'accel' },
  '-mon': { syntax: 'opts', implied: 'chardev' },
  '-tpmdev': { syntax: 'opts', implied: 'type' }, // path=, cancel-path= are paths
  '-spice': { syntax: 'opts' }, // x509-dir, x509-*-file, addr (unix=on) are paths
  '-vnc': { syntax: 'opts', implied: 'vnc' },
  '-display': { syntax: 'json-or-opts', implied: 'type', plain: ['vnc'] }, // rendernode= is a path
  '-add-fd': { syntax: 'opts' },
  '-semihosting-config': { syntax: 'opts', implied: 'enable' },
  '-global': { syntax: 'opts' },
  '-numa': { syntax: 'opts', implied: 'type' },
  '-incoming': { syntax: 'chardev-spec' },
  // Character device specs (qemu_chr_parse_compat).
  '-serial': { syntax: 'chardev-spec' }, '-parallel': { syntax: 'chardev-spec' }, '-monitor': { syntax: 'chardev-spec' },
  '-qmp': { syntax: 'chardev-spec' }, '-qmp-pretty': { syntax: 'chardev-spec' }, '-gdb': { syntax: 'chardev-spec' },
  '-debugcon': { syntax: 'chardev-spec' },
  // No host path.
  '-m': { syntax: 'plain' }, '-smp': { syntax: 'plain' }, '-uuid': { syntax: 'plain' }, '-name': { syntax: 'plain' },
  '-cpu': { syntax: 'plain' }, '-rtc': { syntax: 'plain' }, '-vga': { syntax: 'plain' }, '-usbdevice': { syntax: 'plain' },
  '-icount': { syntax: 'plain' }, '-watchdog-action': { syntax: 'plain' }, '-action': { syntax: 'plain' },
  '-loadvm': { syntax: 'plain' }, '-sandbox': { syntax: 'plain' }, '-msg': { syntax: 'plain' }, '-d': { syntax: 'plain' },
  '-overcommit': { syntax: 'plain' }, '-compat': { syntax: 'plain' }, '-machine-help': { syntax: 'plain' },
  '-g': { syntax: 'plain' }, '-append': { syntax: 'plain' }, '-soundhw': { syntax: 'plain' }, '-runas': { syntax: 'plain' },
  '-run-with': { syntax: 'opts' }, '-cpu-help': { syntax: 'plain' }, '-nodefconfig': { syntax: 'plain' },
  '-rtc-td-hack': { syntax: 'plain' }, '-set': { syntax: 'opts' }, '-iscsi': { syntax: 'opts' },
};

const PLAIN: ReadonlySet<string> = new Set(COMMON_PLAIN);

/** What vmdesk knows about `option` (normalised), or undefined for an option not in the table. */
export function optionKeys(option: string): OptionKeys | undefined {
  return Object.prototype.hasOwnProperty.call(table, option) ? table[option] : undefined;
}

/** True when `key` (a dotted key: its last segment decides) of `option` is known not to be a host path. */
export function isPlainKey(option: string, key: string): boolean {
  const spec = optionKeys(option);
  if (spec?.plain?.includes(key)) return true;
  if (spec?.implied === key && key !== 'file' && key !== '') return true;
  const last = key.replace(/^.*\./, '');
  // file.driver=file, backing.driver=qcow2 ...: a driver name; "filename"/"file" stay paths.
  if (last === 'driver' || last === 'node-name' || last === 'format') return true;
  return PLAIN.has(key) || PLAIN.has(last);
}

/** True when `key` of `option` names a host program QEMU runs. */
export function isCommandKey(option: string, key: string): boolean {
  return optionKeys(option)?.commands?.includes(key.replace(/^.*\./, '')) ?? false;
}
