// Which UEFI firmware a task gets: chosen from QEMU's firmware descriptors (docs/interop/firmware.json in
// QEMU; Debian's ovmf ships them in /usr/share/qemu/firmware), never from one hard-coded path. Pure: the
// descriptors are read by firmware-descriptors.ts.

/** The parts of one firmware descriptor vmdesk uses. */
export interface FirmwareDescriptor {
  /** The descriptor file it came from. */
  file: string;
  description: string;
  interfaceTypes: string[];
  /** mapping.device: vmdesk uses "flash" (pflash code + a variable store template). */
  device: string;
  code?: string;
  codeFormat?: string;
  varsTemplate?: string;
  varsFormat?: string;
  targets: Array<{ architecture: string; machines: string[] }>;
  features: string[];
}

/** The Debian/Fedora package that ships OVMF (what to install when no descriptor fits). */
export const OVMF_PACKAGE_HINT = 'install OVMF: sudo apt-get install ovmf (Debian/Ubuntu), sudo dnf install edk2-ovmf (Fedora)';

/** Turns a descriptor file's JSON into a FirmwareDescriptor, or undefined when it is not one vmdesk can use. Pure. */
export function parseFirmwareDescriptor(file: string, json: unknown): FirmwareDescriptor | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as Record<string, unknown>;
  const mapping = (j.mapping ?? {}) as Record<string, unknown>;
  const exe = (mapping.executable ?? {}) as Record<string, unknown>;
  const nv = (mapping['nvram-template'] ?? {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const targets = Array.isArray(j.targets)
    ? j.targets.map((t) => ({ architecture: str((t as Record<string, unknown>)?.architecture) ?? '', machines: strings((t as Record<string, unknown>)?.machines) }))
    : [];
  const code = str(exe.filename);
  return {
    file,
    description: str(j.description) ?? '',
    interfaceTypes: strings(j['interface-types']),
    device: str(mapping.device) ?? '',
    ...(code ? { code } : {}),
    ...(str(exe.format) ? { codeFormat: str(exe.format) } : {}),
    ...(str(nv.filename) ? { varsTemplate: str(nv.filename) } : {}),
    ...(str(nv.format) ? { varsFormat: str(nv.format) } : {}),
    targets,
    features: strings(j.features),
  };
}

/** A descriptor machine glob ("pc-q35-*") matched against a task's machine_type (aliases pc and q35 included). */
export function machineMatches(glob: string, machine: string): boolean {
  const concrete = machine === 'q35' ? 'pc-q35-x' : machine === 'pc' ? 'pc-i440fx-x' : machine;
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(concrete);
}

/** What the task wants. */
export interface FirmwareWish {
  emulator: string;
  machineType: string;
  secureBoot: boolean;
}

/** The descriptor chosen, or why none fits (with what to do). */
export type FirmwareChoice = { ok: true; descriptor: FirmwareDescriptor & { code: string; varsTemplate: string } } | { ok: false; message: string };

/**
 * The first descriptor (in QEMU's priority order: the caller passes them sorted) that is UEFI on flash for
 * this architecture and machine, with Secure Boot and enrolled keys when asked (else without Secure Boot,
 * which also needs no SMM). Pure.
 */
export function chooseFirmware(descriptors: readonly FirmwareDescriptor[], wish: FirmwareWish): FirmwareChoice {
  const uefi = descriptors.filter(
    (d): d is FirmwareDescriptor & { code: string; varsTemplate: string } =>
      d.interfaceTypes.includes('uefi') && d.device === 'flash' && d.code !== undefined && d.varsTemplate !== undefined,
  );
  if (uefi.length === 0) {
    return { ok: false, message: `firmware "uefi": no UEFI firmware found (no usable descriptor in QEMU's firmware directories); ${OVMF_PACKAGE_HINT}` };
  }
  const forArch = uefi.filter((d) => d.targets.some((t) => t.architecture === wish.emulator));
  if (forArch.length === 0) return { ok: false, message: `firmware "uefi": no UEFI firmware for ${wish.emulator} is installed; ${OVMF_PACKAGE_HINT}` };
  const forMachine = forArch.filter((d) => d.targets.some((t) => t.architecture === wish.emulator && t.machines.some((m) => machineMatches(m, wish.machineType))));
  if (forMachine.length === 0) {
    const machines = [...new Set(forArch.flatMap((d) => d.targets.flatMap((t) => t.machines)))].join(', ');
    return { ok: false, message: `firmware "uefi": the installed UEFI firmware does not support machine_type "${wish.machineType}" (it supports ${machines}); use machine_type "q35"` };
  }
  const fits = wish.secureBoot
    ? forMachine.filter((d) => d.features.includes('secure-boot') && d.features.includes('enrolled-keys'))
    : forMachine.filter((d) => !d.features.includes('secure-boot') && !d.features.includes('requires-smm'));
  if (fits.length > 0) return { ok: true, descriptor: fits[0]! };
  if (wish.secureBoot) {
    const onQ35 = forArch.some((d) => d.features.includes('secure-boot') && d.features.includes('enrolled-keys'));
    return {
      ok: false,
      message: onQ35
        ? `secure_boot: the Secure Boot firmware installed here does not support machine_type "${wish.machineType}" (Secure Boot needs SMM); use machine_type "q35"`
        : `secure_boot: no UEFI firmware with Secure Boot and enrolled keys is installed; ${OVMF_PACKAGE_HINT}`,
    };
  }
  return { ok: false, message: `firmware "uefi": only Secure Boot firmware fits machine_type "${wish.machineType}"; set "secure_boot": true or ${OVMF_PACKAGE_HINT}` };
}

/**
 * QEMU's search order (docs/interop/firmware.json): /usr/share/qemu/firmware, /etc/qemu/firmware,
 * $XDG_CONFIG_HOME/qemu/firmware; a later directory's file overrides one of the same name; all sorted by file
 * name (their "NN-" prefix is the priority). Pure: takes (dir, file name) pairs in directory order.
 */
export function orderDescriptorFiles(files: ReadonlyArray<{ dir: string; name: string }>): string[] {
  const byName = new Map<string, string>();
  for (const f of files) if (f.name.endsWith('.json')) byName.set(f.name, `${f.dir}/${f.name}`);
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}
