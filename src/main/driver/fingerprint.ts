// I/O edge: what the host offers (Nomad's fingerprint, done properly): every qemu-system-* on PATH with its
// version, qemu-img, KVM (device present, accessible, and QEMU can really enable it) and seccomp sandboxing
// (QEMU really accepts -sandbox). Cached per process: planTask calls it for every plan; the two QEMU probes are
// also cached across processes (fingerprint-cache.ts), so a second `vmdesk plan` runs no QEMU.
import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { HostFacts } from './plan';
import { SANDBOX_ARG } from './plan';
import type { FirmwareDescriptor } from './firmware';
import { readFirmwareDescriptors } from './firmware-descriptors';
import { fingerprintCacheFile, fingerprintCacheKey, fingerprintKeyInputs, readCachedProbes, writeCachedProbes, type CachedProbes } from './fingerprint-cache';

const execFileAsync = promisify(execFile);

/** One emulator found on PATH. */
export interface FoundEmulator {
  /** Name as tasks spell it (`x86_64`): the binary name without `qemu-system-`. */
  name: string;
  binary: string;
  version?: string;
}

/** Everything the fingerprint found; HostFacts plus versions and details for `vmdesk doctor`. */
export interface HostFingerprint extends HostFacts {
  emulatorList: FoundEmulator[];
  qemuImg?: { binary: string; version?: string };
  /** `nested`: this host is itself a VM (the CPU's `hypervisor` flag), where KVM may fail on some guests. */
  kvm: { device: boolean; accessible: boolean; usable: boolean; detail: string; nested?: boolean };
  sandbox: { supported: boolean; detail: string };
  /** UEFI firmware descriptors found (QEMU's firmware directories), in priority order. */
  firmware?: FirmwareDescriptor[];
  /** swtpm on PATH (the TPM emulator), when installed. */
  swtpm?: string;
  /** The cloud-init seed ISO builder on PATH (genisoimage first, else xorriso), when installed. */
  seedTool?: { name: 'genisoimage' | 'xorriso'; path: string };
  /** Where the KVM and sandbox answers came from: QEMU run now, or the cross-process cache (with when it was saved). */
  probes?: ProbeSource;
}

/** Where a fingerprint's QEMU probes came from (`vmdesk doctor` says it). */
export interface ProbeSource {
  source: 'probe' | 'cache';
  /** The cache file, when a cache was used. */
  file?: string;
  /** When the cached answers were probed. */
  savedAt?: string;
  /** Why the cache was not used (a miss), when it was consulted. */
  missReason?: string;
}

/** Options of probeHost. */
export interface ProbeOptions {
  /** Run `--version` of every binary (only `vmdesk doctor` shows them); default true. */
  versions?: boolean;
  /** Use (and fill) the cross-process cache of the QEMU probes in this file; absent: always probe, write nothing. */
  cacheFile?: string;
  /** With cacheFile: ignore what it holds, probe, and rewrite it (`vmdesk doctor --refresh`). */
  refresh?: boolean;
}

/** The vmdesk version in the key of the probe cache (the CLI bundle defines it; elsewhere `unbuilt`). */
const VMDESK_VERSION = typeof __VMDESK_VERSION__ === 'string' ? __VMDESK_VERSION__ : 'unbuilt';

// Nomad's versionRegex (drivers/qemu/driver.go).
const VERSION = /version (\d[.\d]+)/;

/** Parses `qemu-system-x86_64 --version` output. */
export function parseQemuVersion(output: string): string | undefined {
  return VERSION.exec(output)?.[1]?.replace(/\.$/, '');
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every `qemu-system-*` executable on PATH; the first directory that has a name wins (as a shell does). */
export async function findEmulators(pathEnv: string | undefined): Promise<Array<{ name: string; binary: string }>> {
  const found = new Map<string, string>();
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !dir.startsWith('/')) continue; // relative PATH entries would depend on the cwd
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      if (!n.startsWith('qemu-system-')) continue;
      const name = n.slice('qemu-system-'.length);
      if (name === '' || found.has(name)) continue;
      const binary = join(dir, n);
      if (await isExecutableFile(binary)) found.set(name, binary);
    }
  }
  return [...found].map(([name, binary]) => ({ name, binary }));
}

/** Finds one executable on PATH. */
export async function which(bin: string, pathEnv: string | undefined): Promise<string | undefined> {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !dir.startsWith('/')) continue;
    const p = join(dir, bin);
    if (await isExecutableFile(p)) return p;
  }
  return undefined;
}

async function versionOf(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version'], { timeout: 15_000 });
    return parseQemuVersion(stdout);
  } catch {
    return undefined;
  }
}

/**
 * Starts `binary` with no machine and a QMP monitor on stdio, asks `query-kvm` and quits. Resolves to the
 * exit code and what QEMU printed; used to find out whether QEMU accepts an accelerator or -sandbox here.
 */
function probeQemu(binary: string, extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(binary, ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', 'stdio', ...extra], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: null, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end('{"execute":"qmp_capabilities"}\n{"execute":"query-kvm"}\n{"execute":"quit"}\n');
  });
}

async function probeKvm(binary: string | undefined, platform: NodeJS.Platform): Promise<HostFingerprint['kvm']> {
  if (platform !== 'linux') return { device: false, accessible: false, usable: false, detail: `KVM exists only on Linux (this is ${platform})` };
  let device = false;
  try {
    device = (await stat('/dev/kvm')).isCharacterDevice();
  } catch {
    return { device: false, accessible: false, usable: false, detail: '/dev/kvm does not exist (no KVM module, or virtualisation is off in the firmware)' };
  }
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { device, accessible: false, usable: false, detail: '/dev/kvm exists but this user may not open it (add the user to the kvm group)' };
  }
  if (!binary) return { device, accessible: true, usable: false, detail: 'no qemu-system binary to try KVM with' };
  const r = await probeQemu(binary, ['-accel', 'kvm']);
  const enabled = /"enabled":\s*true/.test(r.stdout);
  if (enabled && r.code === 0) {
    return (await runsUnderHypervisor())
      ? { device, accessible: true, usable: true, nested: true, detail: 'QEMU enabled KVM; this host is itself a virtual machine (nested virtualisation)' }
      : { device, accessible: true, usable: true, detail: 'QEMU enabled KVM' };
  }
  return { device, accessible: true, usable: false, detail: `QEMU could not enable KVM: ${lastLine(r.stderr) || `exit ${r.code}`}` };
}

/** True when /proc/cpuinfo carries the `hypervisor` flag (this Linux runs in a VM). */
async function runsUnderHypervisor(): Promise<boolean> {
  try {
    return /^flags\s*:.*\bhypervisor\b/m.test(await readFile('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

async function probeSandbox(binary: string | undefined): Promise<HostFingerprint['sandbox']> {
  if (!binary) return { supported: false, detail: 'no qemu-system binary to try -sandbox with' };
  const r = await probeQemu(binary, ['-sandbox', SANDBOX_ARG]);
  return r.code === 0
    ? { supported: true, detail: `QEMU accepts -sandbox ${SANDBOX_ARG}` }
    : { supported: false, detail: `QEMU refused -sandbox: ${lastLine(r.stderr) || `exit ${r.code}`}` };
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}

/**
 * Fingerprints the host (not cached). Every probe runs at once (each is a QEMU or qemu-img process that
 * mostly waits): one after the other they cost 300-600 ms on a loaded machine, paid by the first plan of
 * every process (bench: scale, `vmdesk start`). `versions: false` skips the `--version` runs, which only
 * `vmdesk doctor` shows.
 */
export async function probeHost(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, opts: ProbeOptions = {}): Promise<HostFingerprint> {
  const withVersions = opts.versions ?? true;
  const version = (binary: string) => (withVersions ? versionOf(binary) : Promise.resolve(undefined));
  const [found, qemuImgPath] = await Promise.all([findEmulators(env.PATH), which('qemu-img', env.PATH)]);
  const probeBinary = (found.find((e) => e.name === 'x86_64') ?? found.find((e) => /^[a-z0-9_]+$/.test(e.name)))?.binary;
  const [emulatorList, qemuImgVersion, { kvm, sandbox, probes }, firmware, swtpm, genisoimage, xorriso] = await Promise.all([
    Promise.all(found.map(async (e): Promise<FoundEmulator> => ({ ...e, version: await version(e.binary) }))),
    qemuImgPath ? version(qemuImgPath) : Promise.resolve(undefined),
    qemuProbes(found.map((e) => e.binary), probeBinary, platform, opts),
    readFirmwareDescriptors(env),
    which('swtpm', env.PATH),
    which('genisoimage', env.PATH),
    which('xorriso', env.PATH),
  ]);
  const seedTool = genisoimage ? { name: 'genisoimage' as const, path: genisoimage } : xorriso ? { name: 'xorriso' as const, path: xorriso } : undefined;
  const qemuImg = qemuImgPath ? { binary: qemuImgPath, version: qemuImgVersion } : undefined;
  return {
    platform,
    emulators: Object.fromEntries(found.map((e) => [e.name, e.binary])),
    kvmUsable: kvm.usable,
    sandboxSupported: sandbox.supported,
    emulatorList,
    ...(qemuImg ? { qemuImg } : {}),
    kvm,
    sandbox,
    firmware,
    ...(swtpm ? { swtpm } : {}),
    ...(seedTool ? { seedTool } : {}),
    probes,
  };
}

/** The KVM and sandbox probes (the QEMU runs), from the cache when opts.cacheFile holds them for this host's key. */
async function qemuProbes(binaries: string[], probeBinary: string | undefined, platform: NodeJS.Platform, opts: ProbeOptions): Promise<CachedProbes & { probes: ProbeSource }> {
  const run = async (): Promise<CachedProbes> => {
    const [kvm, sandbox] = await Promise.all([probeKvm(probeBinary, platform), probeSandbox(probeBinary)]);
    return { kvm, sandbox };
  };
  if (!opts.cacheFile) return { ...(await run()), probes: { source: 'probe' } };
  const file = opts.cacheFile;
  const key = fingerprintCacheKey(await fingerprintKeyInputs(binaries, probeBinary, VMDESK_VERSION, platform));
  const cached = opts.refresh ? ({ hit: false, reason: 'refresh asked for' } as const) : await readCachedProbes(file, key);
  if (cached.hit) return { ...cached.probes, probes: { source: 'cache', file, savedAt: cached.savedAt } };
  const fresh = await run();
  await writeCachedProbes(file, key, fresh);
  return { ...fresh, probes: { source: 'probe', file, missReason: cached.reason } };
}

const cache = new Map<string, Promise<HostFingerprint>>();

/**
 * The host's fingerprint for planning (no versions: see probeHost), once per process (per PATH and cache file);
 * its QEMU probes come from the cross-process cache (fingerprintCacheFile) while the emulators are unchanged.
 */
export function fingerprintHost(env: NodeJS.ProcessEnv = process.env): Promise<HostFingerprint> {
  const cacheFile = fingerprintCacheFile(env);
  const key = `${env.PATH ?? ''}\0${cacheFile}`;
  let p = cache.get(key);
  if (!p) {
    p = probeHost(env, process.platform, { versions: false, cacheFile });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** The HostFacts part of a fingerprint (what buildPlan takes). */
export function hostFacts(f: HostFingerprint): HostFacts {
  return {
    platform: f.platform,
    emulators: f.emulators,
    kvmUsable: f.kvmUsable,
    sandboxSupported: f.sandboxSupported,
    hardware: { firmware: f.firmware ?? [], ...(f.swtpm ? { swtpm: f.swtpm } : {}) },
  };
}
