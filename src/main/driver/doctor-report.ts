// The `vmdesk doctor` report: a host fingerprint turned into a stable JSON shape and readable text, with
// install hints for what is missing. Pure.
import type { HostFingerprint } from './fingerprint';

/** The report `vmdesk doctor --json` prints. */
export interface DoctorReport {
  /** True when vmdesk can run VMs here: at least one emulator and qemu-img. */
  ok: boolean;
  platform: string;
  emulators: Array<{ name: string; binary: string; version: string | null }>;
  qemuImg: { binary: string; version: string | null } | null;
  kvm: { device: boolean; accessible: boolean; usable: boolean; detail: string };
  sandbox: { supported: boolean; detail: string };
  hints: string[];
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
export function doctorReport(f: HostFingerprint, osRelease = ''): DoctorReport {
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
  if (!f.sandbox.supported) hints.push('QEMU runs without seccomp sandboxing here (a QEMU built with seccomp adds it)');
  return {
    ok: f.emulatorList.length > 0 && f.qemuImg !== undefined,
    platform: f.platform,
    emulators: f.emulatorList.map((e) => ({ name: e.name, binary: e.binary, version: e.version ?? null })),
    qemuImg: f.qemuImg ? { binary: f.qemuImg.binary, version: f.qemuImg.version ?? null } : null,
    kvm: f.kvm,
    sandbox: f.sandbox,
    hints,
  };
}

/** The readable form of the report. */
export function formatDoctorReport(r: DoctorReport): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `platform: ${r.platform}`,
    `emulators:${r.emulators.length ? '' : ' none found on PATH'}`,
    ...r.emulators.map((e) => `  ${e.name.padEnd(16)} ${e.version ?? '(version unknown)'}  ${e.binary}`),
    `qemu-img: ${r.qemuImg ? `${r.qemuImg.version ?? '(version unknown)'}  ${r.qemuImg.binary}` : 'not found on PATH'}`,
    `kvm: device ${yes(r.kvm.device)}, accessible ${yes(r.kvm.accessible)}, usable ${yes(r.kvm.usable)} (${r.kvm.detail})`,
    `sandbox: ${r.sandbox.supported ? 'supported' : 'not available'} (${r.sandbox.detail})`,
    ...(r.hints.length ? ['', 'hints:', ...r.hints.map((h) => `  - ${h}`)] : []),
    '',
    r.ok ? 'vmdesk can run VMs here.' : 'vmdesk cannot run VMs here yet: see the hints above.',
  ];
  return `${lines.join('\n')}\n`;
}
