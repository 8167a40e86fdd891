import { describe, expect, it } from 'vitest';
import { sparklinePath } from '../../../src/renderer/src/lib/sparkline';
import { consoleKeyOwner, matchShortcut, NOT_IN_CONSOLE, SHORTCUTS } from '../../../src/renderer/src/lib/shortcuts';
import { formToSettings, settingsField, settingsToForm } from '../../../src/renderer/src/lib/settings-form';
import { portErrorCell } from '../../../src/renderer/src/lib/port-cell';
import { hintFor } from '../../../src/renderer/src/lib/error-hints';

describe('sparklinePath', () => {
  it('places the newest value at the right edge and scales to max', () => {
    expect(sparklinePath([], 100, 20, 10)).toBe('');
    expect(sparklinePath([0, 100], 100, 22, 2, 100)).toBe('M0,21 L100,1');
    // Two samples of ten slots: they sit at the right end.
    const d = sparklinePath([50, 50], 90, 22, 10, 100);
    expect(d).toBe('M80,11 L90,11');
    // Values above max are clamped.
    expect(sparklinePath([500], 10, 22, 1, 100)).toBe('M10,1');
  });
});

describe('matchShortcut', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });
  it('maps keys to actions, Ctrl or ⌘', () => {
    expect(matchShortcut(key('n', { ctrlKey: true }))).toBe('new-vm');
    expect(matchShortcut(key('n', { metaKey: true }))).toBe('new-vm');
    expect(matchShortcut(key('S', { ctrlKey: true, shiftKey: true }))).toBe('start-stop');
    expect(matchShortcut(key('3', { ctrlKey: true }))).toBe('tab-3');
    expect(matchShortcut(key('F1'))).toBe('help');
    expect(matchShortcut(key('n'))).toBeUndefined();
    expect(matchShortcut(key('n', { ctrlKey: true, altKey: true }))).toBeUndefined();
  });
  it('in the console, keeps only the keys a guest cannot need (and Ctrl+] to leave); Tab, Esc, Ctrl+C go to the guest', () => {
    const table: Array<[string, Partial<Parameters<typeof key>[1]>, 'app' | 'guest']> = [
      [']', { ctrlKey: true }, 'app'],
      ['F1', {}, 'app'],
      ['2', { ctrlKey: true }, 'app'],
      ['C', { ctrlKey: true, shiftKey: true }, 'app'],
      ['S', { ctrlKey: true, shiftKey: true }, 'app'],
      ['Tab', {}, 'guest'],
      ['Escape', {}, 'guest'],
      ['c', { ctrlKey: true }, 'guest'],
      ['n', { ctrlKey: true }, 'guest'],
      ['f', { ctrlKey: true }, 'guest'],
      ['a', {}, 'guest'],
    ];
    for (const [k, mods, owner] of table) expect([k, mods, consoleKeyOwner(key(k, mods))]).toEqual([k, mods, owner]);
    expect(matchShortcut(key(']', { ctrlKey: true }))).toBe('release-console');
    // A stray Ctrl+Shift+S in the console neither reaches the guest nor stops (or restarts) the VM.
    expect(NOT_IN_CONSOLE.has('start-stop')).toBe(true);
  });
  it('has no two shortcuts on the same keys', () => {
    const combos = SHORTCUTS.map((s) => `${s.ctrl}-${s.shift}-${s.key}`);
    expect(new Set(combos).size).toBe(combos.length);
  });
});

describe('settings form', () => {
  it('round-trips and splits lists', () => {
    const settings = {
      driver: { image_paths: ['/a b', '/c'], args_allowlist: ['-device', '-nodefaults'], args_loader_allowlist: [], emulators_allowlist: ['x86_64'], port_bind_address: '127.0.0.1' },
      preferences: { quitBehaviour: 'ask' as const, theme: 'dark' as const },
    };
    expect(formToSettings(settingsToForm(settings))).toEqual(settings);
    expect(formToSettings({ ...settingsToForm(settings), argsAllowlist: '-device,  -smp\n-m', imagePaths: '\n /x \n\n' }).driver).toMatchObject({
      args_allowlist: ['-device', '-smp', '-m'],
      image_paths: ['/x'],
    });
  });
  it('keeps args_loader_allowlist and artifact_max_bytes through a save (they were dropped before)', () => {
    const settings = {
      driver: {
        image_paths: [],
        args_allowlist: ['-readconfig', '-plugin'],
        args_loader_allowlist: ['-readconfig'],
        emulators_allowlist: [],
        port_bind_address: '127.0.0.1',
        artifact_max_bytes: 1048576,
      },
      preferences: { quitBehaviour: 'ask' as const, theme: 'system' as const },
    };
    const form = settingsToForm(settings);
    expect(form.argsLoaderAllowlist).toEqual(['-readconfig']);
    expect(formToSettings(form)).toEqual(settings);
    // Ticking in another order gives the canonical order; empty size keeps the default (key absent).
    const next = formToSettings({ ...form, argsLoaderAllowlist: ['-dtb', '-plugin'], artifactMaxBytes: ' ' }).driver;
    expect(next.args_loader_allowlist).toEqual(['-plugin', '-dtb']);
    expect('artifact_max_bytes' in next).toBe(false);
    // A size that is not a number goes through as typed, so the schema (not the form) refuses it by name.
    expect(formToSettings({ ...form, artifactMaxBytes: '1 GB' }).driver.artifact_max_bytes).toBe('1 GB');
  });
  it('places errors', () => {
    expect(settingsField('driver.args_loader_allowlist.0')).toBe('argsLoaderAllowlist');
    expect(settingsField('driver.artifact_max_bytes')).toBe('artifactMaxBytes');
    expect(settingsField('driver.port_bind_address')).toBe('portBindAddress');
    expect(settingsField('image_paths.3')).toBe('imagePaths');
    expect(settingsField('preferences.theme')).toBe('theme');
    expect(settingsField(undefined)).toBe('form');
  });
});

describe('hintFor', () => {
  it('tells what to do for the codes a user can act on', () => {
    expect(hintFor({ code: 'IMAGE_NOT_ALLOWED' })).toMatch(/Image paths/);
    expect(hintFor({ code: 'VM_RUNNING' })).toBe('Stop the VM first.');
    expect(hintFor({ code: 'ARG_NOT_ALLOWED' })).toMatch(/Args allowlist/);
  });
});

describe('sparklinePath with a floor', () => {
  it('scales between min and max', () => {
    expect(sparklinePath([100, 200], 10, 22, 2, 200, 100)).toBe('M0,21 L10,1');
  });
});

describe('portErrorCell', () => {
  it('marks only the cell the message is about', () => {
    const table: Array<[string | undefined, string]> = [
      ['guest port must be 1 to 65535', 'guest'],
      ['port must be 0 (automatic) to 65535', 'host'],
      ['ports.http: host port 8080 is also used by "web"', 'host'],
      ['a port label is 1-63 letters, digits, "_" or "-"', 'label'],
      ['the label "http" is used twice; each port needs its own label', 'label'],
      ['Unknown port label "x"', 'label'],
      ['expected a number', 'row'],
      [undefined, 'row'],
    ];
    for (const [message, cell] of table) expect([message, portErrorCell(message)]).toEqual([message, cell]);
  });
});
