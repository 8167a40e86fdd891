// What `vmdesk help` shows of every command (name, summary, usage), in its order, apart from the commands'
// code: help and the dispatcher read this alone, and a command's code is loaded only when it runs (issue #17).

/** A command's name and help text. */
export interface CommandInfo {
  name: string;
  /** One line for `vmdesk help`. */
  summary: string;
  /** Usage line(s) shown by `vmdesk help <name>` and on a usage error. */
  usage: string;
}

/** Every command, in the order `vmdesk help` lists them. */
export const COMMAND_INFO = [
  {
    name: 'plan',
    summary: 'Validate a task file and print the exact QEMU command line (starts nothing)',
    usage: 'vmdesk plan TASKFILE [--json] [--driver-config FILE]',
  },
  {
    name: 'doctor',
    summary: 'Show what vmdesk finds on this host: QEMU emulators and versions, qemu-img, KVM, sandboxing (cached probes; --refresh probes again), the artifact cache',
    usage: 'vmdesk doctor [--refresh] [--json]',
  },
  {
    name: 'import',
    summary: 'Import the qemu tasks of a Nomad job (HCL2 or API JSON) as vmdesk task files',
    usage: 'vmdesk import JOBFILE [--task NAME] [--out DIR] [--force] [--json] [--driver-config FILE]',
  },
  {
    name: 'export',
    summary: 'Write a VM (by name or task file) as a Nomad job, HCL2 or API JSON',
    usage: 'vmdesk export NAME|TASKFILE [--format hcl|json] [--out FILE] [--artifact URL]',
  },
  {
    name: 'nomad',
    summary: 'Work with a Nomad cluster: submit a VM as a Nomad job and follow it',
    usage:
      'vmdesk nomad submit NAME|TASKFILE [--address URL] [--token TOKEN] [--namespace NS] [--region R] [--artifact URL] [--timeout 5m] [--detach] [--json]\n' +
      '  (NOMAD_ADDR, NOMAD_TOKEN, NOMAD_NAMESPACE and NOMAD_REGION are read as the nomad CLI reads them; flags win)',
  },
  {
    name: 'demo',
    summary: "Build the demo VM from this host's packages and run it (its web page forwarded and printed); --detach: in the background",
    usage: 'vmdesk demo [--detach] [--json] [--no-input]\n  (foreground: the console on the terminal, Ctrl-] stops it; --json goes with --detach)',
  },
  {
    name: 'run',
    summary: 'Run a VM in the foreground: serial console on the terminal, keyboard to the guest; Ctrl-] stops it gracefully',
    usage: 'vmdesk run TASKFILE [--no-input] [--driver-config FILE]\n  (on a terminal, keys go to the guest and Ctrl-] stops the VM; piped stdin is sent to the guest; --no-input sends nothing)',
  },
  {
    name: 'start',
    summary: 'Start a VM from a task file or by name (its artifacts fetched first); returns once QEMU runs (the VM keeps running after vmdesk exits)',
    usage: 'vmdesk start TASKFILE|NAME [--json] [--driver-config FILE]',
  },
  {
    name: 'test',
    summary: 'Test a VM image: start it disposable, run the task\'s checks (console, port, http, agent, ssh, screen, shutdown), stop it; JUnit and JSON reports',
    usage:
      'vmdesk test TASKFILE|NAME|JOBFILE [--task NAME] [--spec FILE] [--repeat N] [--keep] [--json] [--junit FILE] [--results DIR] [--driver-config FILE]\n' +
      '  (checks come from the task\'s "checks" or from --spec FILE holding { "checks": [...] }; a Nomad job file (HCL2 or API JSON)\n' +
      '   runs its qemu task\'s service checks (--task NAME picks one of several); exit 0 all passed, 1 a check failed, 2 invalid input)',
  },
  {
    name: 'ls',
    summary: 'List VMs with their state, pid, uptime and forwarded ports',
    usage: 'vmdesk ls [--json]',
  },
  {
    name: 'inspect',
    summary: 'Show one VM: state, pid, uuid, uptime, ports, guest agent, last exit',
    usage: 'vmdesk inspect NAME [--json]',
  },
  {
    name: 'logs',
    summary: "Print a VM's serial console log (--stderr: QEMU's stderr); -f follows it until the VM exits",
    usage: 'vmdesk logs NAME [-f|--follow] [--stderr]',
  },
  {
    name: 'stop',
    summary: 'Stop a VM: ACPI power-down, then QMP quit, SIGTERM, SIGKILL, each bounded by the timeout',
    usage: 'vmdesk stop NAME [--timeout DURATION] [--force] [--json]',
  },
  {
    name: 'rm',
    summary: 'Remove a VM (refuses a running one unless --force); logs are kept unless --purge',
    usage: 'vmdesk rm NAME [--force] [--purge] [--json]',
  },
  {
    name: 'events',
    summary: "Show a VM's timeline: lifecycle steps, QMP events, stop-ladder steps, agent status, errors",
    usage: 'vmdesk events NAME [--json]',
  },
  {
    name: 'stats',
    summary: "Show CPU % and memory (RSS) of a VM's QEMU process, measured over one second",
    usage: 'vmdesk stats NAME [--json]',
  },
  {
    name: 'agent',
    summary: 'Ask the guest agent: ping, info, ifaces (guest IP addresses), exec -- CMD... (captured output)',
    usage: 'vmdesk agent NAME ping|info|ifaces [--json]\n       vmdesk agent NAME exec [--json] [--timeout-ms N] -- CMD [ARGS...]',
  },
  {
    name: 'ssh',
    summary: 'Log in to a cloud_init VM over SSH (its generated key, its forwarded ssh port), or run a command there',
    usage: 'vmdesk ssh NAME [-- CMD [ARGS...]]\n       vmdesk ssh NAME --print [--json] [-- CMD...]   (print the ssh command line instead)',
  },
  {
    name: 'screenshot',
    summary: "Save a PNG of a running VM's screen (QMP screendump; needs a graphics device, e.g. display: vnc)",
    usage: 'vmdesk screenshot NAME [--out FILE.png] [--json]',
  },
  {
    name: 'send-keys',
    summary: "Press keys on a running VM's keyboard: QEMU key names, a chord per argument (ret, esc, ctrl-alt-delete)",
    usage: 'vmdesk send-keys NAME KEY... [--hold-ms N] [--json]\n  e.g. vmdesk send-keys web down down ret    vmdesk send-keys web ctrl-alt-delete',
  },
  {
    name: 'type',
    summary: "Type text on a running VM's keyboard (US layout; \\n in the text presses Enter)",
    usage: 'vmdesk type NAME TEXT [--enter] [--hold-ms N] [--json]',
  },
  {
    name: 'snapshot',
    summary: 'Save, list, restore or remove internal snapshots of a qcow2 VM (running: with its memory; stopped: disk only)',
    usage: 'vmdesk snapshot NAME save [TAG] [--json]\n       vmdesk snapshot NAME ls [--json]\n       vmdesk snapshot NAME restore TAG [--json]\n       vmdesk snapshot NAME rm TAG [--json]',
  },
  {
    name: 'fetch',
    summary: "Fetch a task's artifacts (images from URLs) into its directory: checksums verified, cached, resumable",
    usage: 'vmdesk fetch TASKFILE|NAME [--force] [--json] [--driver-config FILE]\n  (--force fetches again even when the files are in place)',
  },
  {
    name: 'pull',
    summary: 'Download one image (or archive of one) from a URL into a directory, verified and cached',
    usage: 'vmdesk pull URL [--checksum sha256:HEX|file:URL] [--out DIR] [--no-unpack] [--json]',
  },
  {
    name: 'cache',
    summary: 'List, remove or prune cached artifacts (downloaded images) in $VMDESK_HOME/cache',
    usage: 'vmdesk cache ls [--json]\n       vmdesk cache rm ID|URL [--json]\n       vmdesk cache prune [--older-than 30d] [--json]\n  (prune removes entries no task directory uses any more, last used longer ago than --older-than, default 0)',
  },
] as const satisfies readonly CommandInfo[];

/** A command's name. */
export type CommandName = (typeof COMMAND_INFO)[number]['name'];

/** The help text of one command, for its Command object. */
export function commandInfo(name: CommandName): CommandInfo {
  return COMMAND_INFO.find((c) => c.name === name)!;
}
