// The `vmdesk doctor` report: a host fingerprint turned into a stable JSON shape and readable text, with
// install hints for what is missing. Pure.
import type { DoctorReport } from '../../shared/doctor';
import { formatBytes } from '../../shared/format-bytes';
import type { HostFingerprint, ProbeSource } from './fingerprint';
import { chooseFirmware, OVMF_PACKAGE_HINT } from './firmware';
import { SWTPM_PACKAGE_HINT } from './hardware-args';
import { SEED_TOOL_HINT } from '../cloudinit/seed-tool';

/**
 * The report `vmdesk doctor --json` prints: the shared DoctorReport (what the app's health panel shows) plus
 * whether vmdesk can run VMs here, the platform, and whether /dev/kvm is accessible to this user.
 */
export interface DoctorJson extends DoctorReport {
  /** True when vmdesk can run VMs here: at least one emulator and qemu-img. */
  ok: boolean;
  platform: string;
  kvm: DoctorReport['kvm'] & { accessible: boolean };
  /** UEFI firmware (QEMU's firmware descriptors) for x86_64 q35: plain and with Secure Boot; each the descriptor it would use. */
  firmware: { uefi: string | null; secureBoot: string | null; descriptors: number };
  /** swtpm (tpm: true), when on PATH. */
  swtpm: string | null;
  /** What builds cloud_init seeds (genisoimage, else xorriso), when on PATH. */
  seedTool: { name: string; path: string } | null;
  /** Where the KVM and sandbox answers came from (QEMU run now, or the fingerprint cache), when known. */
  probes?: ProbeSource;
}

/** The package manager command that installs QEMU here, from /etc/os-release (Linux) or the platform. */
export function installHint(platform: string, osRelease: string): string {
  if (platform === 'darwin') return 'brew install qemu';
  if (platform === 'win32') return 'install QEMU from https://www.qemu.org/download/#windows';
  const ids = `${/^ID=(.*)$/m.exec(osRelease)?.[1] ?? ''} ${/^ID_LIKE=(.*)$/m.exec(osRelease)?.[1] ?? ''}`.replace(/"/g, '');
  if (/\b(debian|ubuntu)\b/.test(ids)) return 'sudo apt-get install qemu-system-x86 qemu-utils';
  if (/\b(fedora|rhel|centos)\b/.test(ids)) return 'sudo dnf install qemu-system-x86 qemu-img';
  if (/\barch\b/.test(ids)) return 'sudo pacman -S qemu-base';
  if (/\b(suse|opensuse)\b/.test(ids)) return 'sudo zypper install qemu-x86 qemu-tools';
  if (/\balpine\b/.test(ids)) return 'sudo apk add qemu-system-x86_64 qemu-img';
  return "install QEMU (qemu-system-x86_64 and qemu-img) with your system's package manager";
}

/** Builds the report from a fingerprint. */
export function doctorReport(f: HostFingerprint, osRelease = ''): DoctorJson {
  const hints: string[] = [];
  const install = installHint(f.platform, osRelease);
  if (f.emulatorList.length === 0) hints.push(`no qemu-system-* emulator on PATH: ${install}`);
  if (!f.qemuImg) hints.push(`qemu-img is not on PATH: ${install}`);
  if (f.platform === 'linux' && !f.kvm.usable) {
    hints.push(
      f.kvm.device && !f.kvm.accessible
        ? 'KVM: add yourself to the kvm group (sudo usermod -aG kvm $USER, then log in again); until then use accelerator "tcg"'
        : 'KVM is not usable here; tasks must use accelerator "tcg" (slower, but works everywhere)',
    );
  }
  if (f.kvm.usable && f.kvm.nested) {
    hints.push('KVM here is nested (this host is a VM): some guests stop with a KVM internal error; vmdesk then ends them and says so. Use accelerator "tcg" for those');
  }
  if (!f.sandbox.supported) hints.push('QEMU runs without seccomp sandboxing here (a QEMU built with seccomp adds it)');
  const pick = (secureBoot: boolean) => {
    const c = chooseFirmware(f.firmware ?? [], { emulator: 'x86_64', machineType: 'q35', secureBoot });
    return c.ok ? c.descriptor.file : null;
  };
  const firmware = { uefi: pick(false), secureBoot: pick(true), descriptors: (f.firmware ?? []).length };
  // Only a fingerprint that looked (probeHost always does) says what is missing.
  const looked = f.firmware !== undefined;
  if (looked && (!firmware.uefi || !firmware.secureBoot)) hints.push(`firmware "uefi"${firmware.uefi ? ' with secure_boot' : ''} is not available: ${OVMF_PACKAGE_HINT}`);
  if (looked && !f.swtpm) hints.push(`tpm: true needs swtpm: ${SWTPM_PACKAGE_HINT}`);
  if (looked && !f.seedTool) hints.push(`cloud_init needs a seed ISO builder: ${SEED_TOOL_HINT}`);
  return {
    ok: f.emulatorList.length > 0 && f.qemuImg !== undefined,
    platform: f.platform,
    emulators: f.emulatorList.map((e) => ({ name: e.name, path: e.binary, ...(e.version ? { version: e.version } : {}) })),
    ...(f.qemuImg ? { qemuImg: { path: f.qemuImg.binary, ...(f.qemuImg.version ? { version: f.qemuImg.version } : {}) } } : {}),
    kvm: { exists: f.kvm.device, accessible: f.kvm.accessible, usable: f.kvm.usable, detail: f.kvm.detail },
    sandbox: f.sandbox,
    accelerators: f.kvm.usable ? ['tcg', 'kvm'] : ['tcg'],
    firmware,
    swtpm: f.swtpm ?? null,
    seedTool: f.seedTool ?? null,
    hints,
    ...(f.probes ? { probes: f.probes } : {}),
  };
}

/** Says where the probes came from: cached (with when, and how to re-probe) or probed now (and why). Pure. */
export function probeSourceText(p: ProbeSource): string {
  if (p.source === 'cache') return `from the fingerprint cache (probed ${p.savedAt ?? 'earlier'}; vmdesk doctor --refresh probes again)  ${p.file ?? ''}`.trimEnd();
  return `probed now${p.missReason ? ` (${p.missReason})` : ''}${p.file ? `, saved in ${p.file}` : ''}`;
}

/** The readable form of the report. */
export function formatDoctorReport(r: DoctorJson): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `platform: ${r.platform}`,
    `emulators:${r.emulators.length ? '' : ' none found on PATH'}`,
    ...r.emulators.map((e) => `  ${e.name.padEnd(16)} ${e.version ?? '(version unknown)'}  ${e.path}`),
    `qemu-img: ${r.qemuImg ? `${r.qemuImg.version ?? '(version unknown)'}  ${r.qemuImg.path}` : 'not found on PATH'}`,
    `kvm: device ${yes(r.kvm.exists)}, accessible ${yes(r.kvm.accessible)}, usable ${yes(r.kvm.usable)} (${r.kvm.detail})`,
    `accelerators: ${r.accelerators.join(', ')}`,
    `sandbox: ${r.sandbox.supported ? 'supported' : 'not available'} (${r.sandbox.detail})`,
    `firmware: bios (SeaBIOS); uefi ${r.firmware.uefi ? `(${r.firmware.uefi})` : 'not installed'}; uefi + secure boot ${r.firmware.secureBoot ? `(${r.firmware.secureBoot})` : 'not installed'}`,
    `tpm: ${r.swtpm ? `swtpm ${r.swtpm}` : 'swtpm not installed'}`,
    `cloud-init seed: ${r.seedTool ? `${r.seedTool.name} ${r.seedTool.path}` : 'no genisoimage or xorriso (cloud_init tasks are refused)'}`,
    ...(r.probes ? [`kvm and sandbox: ${probeSourceText(r.probes)}`] : []),
    ...(r.cache ? [`artifact cache: ${formatBytes(r.cache.bytes)} in ${r.cache.entries} entr${r.cache.entries === 1 ? 'y' : 'ies'}  ${r.cache.path}  (vmdesk cache ls / prune)`] : []),
    ...(r.hints.length ? ['', 'hints:', ...r.hints.map((h) => `  - ${h}`)] : []),
    '',
    r.ok ? 'vmdesk can run VMs here.' : 'vmdesk cannot run VMs here yet: see the hints above.',
  ];
  return `${lines.join('\n')}\n`;
}
