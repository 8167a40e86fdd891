// The packaging configuration (electron-builder cannot run here: it downloads Electron). Checks the config
// with electron-builder's own validator, the files it ships, the app id, the icon, the fuses, and that the
// shipped `vmdesk` command works in the packaged layout (run for real with this machine's Node).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..', '..');
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const minimatch = require('minimatch') as (path: string, pattern: string, opts?: object) => boolean;

/** True when electron-builder's `files` patterns include `path` (later "!" patterns exclude). */
function shipped(path: string): boolean {
  let included = false;
  for (const pattern of config.files as string[]) {
    if (pattern.startsWith('!')) {
      if (minimatch(path, pattern.slice(1), { dot: true })) included = false;
    } else if (minimatch(path, pattern, { dot: true })) included = true;
  }
  return included;
}

describe('electron-builder configuration', () => {
  it('passes electron-builder 26 own schema validation', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    const loaded = await getConfig(root, join(root, 'electron-builder.json'), null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...loaded, appid: 'x' }, new DebugLogger(false))).rejects.toThrow(/unknown property 'appid'/);
  });

  it('has the app id, product name and targets: AppImage and deb on Linux, dmg on macOS', () => {
    expect(config.appId).toBe('dev.vmdesk.app');
    expect(config.productName).toBe('vmdesk');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(pkg.scripts.dist).toMatch(/npm run build && electron-builder --config electron-builder.json/);
    expect(pkg.author.email).toMatch(/@/); // the deb maintainer field needs it
  });

  it('ships the built app (main, sandboxed preload, renderer) and the CLI, and not the sources', () => {
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/cli/vmdesk.js', 'bin/vmdesk.js', 'package.json']) {
      expect(shipped(f), f).toBe(true);
      expect(statSync(join(root, f)).isFile(), `${f} is built`).toBe(true);
    }
    for (const f of ['src/main/index.ts', 'test/unit/packaging.test.ts', 'out/main/index.js.map', 'electron.vite.config.ts']) {
      expect(shipped(f), f).toBe(false);
    }
    expect(pkg.main).toBe('out/main/index.js');
    expect(config.asar).toBe(true);
  });

  it('uses the app icon from resources/ (a PNG of at least 512x512)', () => {
    for (const icon of [config.linux.icon, config.mac.icon]) {
      const png = readFileSync(join(root, icon));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    }
  });

  it('flips the fuses in an afterPack hook: no RunAsNode, NODE_OPTIONS or --inspect; asar only, checked; cookies encrypted', () => {
    expect(config.afterPack).toBe('build/after-pack.cjs');
    const { FuseV1Options, FuseVersion } = require('@electron/fuses');
    const { fuseConfig } = require(join(root, 'build/fuses.cjs'));
    const fuses = fuseConfig({ platform: 'linux', arch: 'x64' });
    expect(fuses.version).toBe(FuseVersion.V1);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(true);
    const hook = require(join(root, 'build/after-pack.cjs'));
    expect(typeof hook.default).toBe('function');
    const packager = { executableName: 'vmdesk-desktop', appInfo: { productFilename: 'vmdesk' } };
    expect(hook.electronBinaryPath({ electronPlatformName: 'linux', appOutDir: '/d', packager })).toBe('/d/vmdesk-desktop');
    expect(hook.electronBinaryPath({ electronPlatformName: 'darwin', appOutDir: '/d', packager })).toBe('/d/vmdesk.app');
  });
});

describe('the vmdesk command line in the package', () => {
  it('is a resource, unpacked from the asar with its runtime dependencies, linked as /usr/bin/vmdesk by the deb', () => {
    expect(config.extraResources).toContainEqual({ from: 'resources/bin/vmdesk', to: 'bin/vmdesk' });
    for (const p of ['out/cli/vmdesk.js', 'bin/vmdesk.js', 'node_modules/zod/index.js']) {
      expect(config.asarUnpack.some((pattern: string) => minimatch(p, pattern)), p).toBe(true);
    }
    // The app's own executable must not take the CLI's name.
    expect(config.linux.executableName).not.toBe('vmdesk');
    const afterInstall = readFileSync(join(root, config.deb.afterInstall), 'utf8');
    expect(afterInstall).toContain("ln -sf '/opt/${sanitizedProductName}/resources/bin/vmdesk' '/usr/bin/vmdesk'");
    expect(afterInstall).toContain('chrome-sandbox'); // electron-builder's default steps are kept
    expect(readFileSync(join(root, config.deb.afterRemove), 'utf8')).toContain('rm -f /usr/bin/vmdesk');
    expect(config.deb.depends).toContain('nodejs (>= 20)');
    // cloud_init seeds, vmdesk ssh, UEFI and TPM need these; vmdesk runs without them (doctor says what is missing).
    expect(config.deb.recommends).toEqual(['genisoimage | xorriso', 'openssh-client', 'ovmf', 'swtpm']);
  });

  it('imports only Node built-ins and production dependencies (devDependencies are not packaged)', () => {
    const code = readFileSync(join(root, 'out/cli/vmdesk.js'), 'utf8');
    const specifiers = [...code.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)]
      .map((m) => m[1] ?? m[2]!)
      .filter((s) => !s.startsWith('.') && !s.startsWith('/'));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const deps = new Set(Object.keys(pkg.dependencies));
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    const missing = specifiers.filter((s) => !builtins.has(s) && !deps.has(packageOf(s)));
    expect(missing).toEqual([]);
  });

  it('runs from the packaged layout: resources/bin/vmdesk -> app.asar.unpacked/bin/vmdesk.js', () => {
    const resources = mkdtempSync(join(tmpdir(), 'vd-pkg-'));
    const unpacked = join(resources, 'app.asar.unpacked');
    mkdirSync(join(unpacked, 'out'), { recursive: true });
    cpSync(join(root, 'out/cli'), join(unpacked, 'out/cli'), { recursive: true });
    cpSync(join(root, 'bin'), join(unpacked, 'bin'), { recursive: true });
    cpSync(join(root, 'package.json'), join(unpacked, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(unpacked, 'node_modules'));
    mkdirSync(join(resources, 'bin'));
    cpSync(join(root, 'resources/bin/vmdesk'), join(resources, 'bin/vmdesk'));
    // As the deb installs it: a symlink elsewhere pointing at the launcher.
    const link = join(resources, 'usr-bin-vmdesk');
    symlinkSync(join(resources, 'bin/vmdesk'), link);
    try {
      const out = execFileSync(link, ['--version'], { encoding: 'utf8' });
      expect(out.trim()).toBe(`vmdesk ${pkg.version}`);
    } finally {
      rmSync(resources, { recursive: true, force: true });
    }
  });
});
