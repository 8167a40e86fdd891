import { describe, expect, it } from 'vitest';
import { sparklinePath } from '../../../src/renderer/src/lib/sparkline';
import { consoleKeyOwner, matchShortcut, NOT_IN_CONSOLE, SHORTCUTS } from '../../../src/renderer/src/lib/shortcuts';
import { formToSettings, settingsField, settingsToForm } from '../../../src/renderer/src/lib/settings-form';
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
      driver: { image_paths: ['/a b', '/c'], args_allowlist: ['-device', '-nodefaults'], emulators_allowlist: ['x86_64'], port_bind_address: '127.0.0.1' },
      preferences: { quitBehaviour: 'ask' as const, theme: 'dark' as const },
    };
    expect(formToSettings(settingsToForm(settings))).toEqual(settings);
    expect(formToSettings({ ...settingsToForm(settings), argsAllowlist: '-device,  -smp\n-m', imagePaths: '\n /x \n\n' }).driver).toMatchObject({
      args_allowlist: ['-device', '-smp', '-m'],
      image_paths: ['/x'],
    });
  });
  it('places errors', () => {
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
