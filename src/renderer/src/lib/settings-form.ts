// The Settings page's form: text fields for the driver config lists, and the conversion back.
import type { Settings } from '../../../shared/settings';
import type { DriverConfig } from '../../../shared/driver-config';

/** The loader options an operator may allow by name (driver config `args_loader_allowlist`). */
export const LOADER_OPTIONS = ['-readconfig', '-plugin', '-option-rom', '-dtb'] as const;
/** One of LOADER_OPTIONS. */
export type LoaderOption = (typeof LOADER_OPTIONS)[number];

/** What the Settings page edits. */
export interface SettingsForm {
  imagePaths: string;
  argsAllowlist: string;
  /** The loader options allowed by name (checkboxes). */
  argsLoaderAllowlist: LoaderOption[];
  /** artifact_max_bytes as typed (bytes); empty keeps the default. */
  artifactMaxBytes: string;
  emulatorsAllowlist: string;
  portBindAddress: string;
  theme: Settings['preferences']['theme'];
  quitBehaviour: Settings['preferences']['quitBehaviour'];
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
const words = (text: string) => text.split(/[\s,]+/).filter((w) => w !== '');

/** The form for stored settings. */
export function settingsToForm(s: Settings): SettingsForm {
  return {
    imagePaths: s.driver.image_paths.join('\n'),
    argsAllowlist: s.driver.args_allowlist.join(' '),
    argsLoaderAllowlist: LOADER_OPTIONS.filter((o) => (s.driver.args_loader_allowlist ?? []).includes(o)),
    artifactMaxBytes: s.driver.artifact_max_bytes === undefined ? '' : String(s.driver.artifact_max_bytes),
    emulatorsAllowlist: s.driver.emulators_allowlist.join(', '),
    portBindAddress: s.driver.port_bind_address,
    theme: s.preferences.theme,
    quitBehaviour: s.preferences.quitBehaviour,
  };
}

/**
 * The settings the form describes (image paths one per line, so a path may contain spaces). A size that is
 * not a whole number is sent as typed (a string), so the main process's schema names the field and the fix.
 */
export function formToSettings(f: SettingsForm): Settings {
  const max = f.artifactMaxBytes.trim();
  const driver: DriverConfig = {
    image_paths: lines(f.imagePaths),
    args_allowlist: words(f.argsAllowlist),
    args_loader_allowlist: LOADER_OPTIONS.filter((o) => f.argsLoaderAllowlist.includes(o)),
    emulators_allowlist: words(f.emulatorsAllowlist),
    port_bind_address: f.portBindAddress.trim(),
  };
  if (max !== '') driver.artifact_max_bytes = /^\d+$/.test(max) ? Number(max) : (max as unknown as number);
  return {
    driver,
    preferences: { theme: f.theme, quitBehaviour: f.quitBehaviour },
  };
}

/** The settings form field an error's dotted field belongs to. */
export function settingsField(field: string | undefined): keyof SettingsForm | 'form' {
  const f = (field ?? '').replace(/^driver\./, '').replace(/^preferences\./, '');
  if (f.startsWith('image_paths')) return 'imagePaths';
  if (f.startsWith('args_loader_allowlist')) return 'argsLoaderAllowlist';
  if (f.startsWith('args_allowlist')) return 'argsAllowlist';
  if (f.startsWith('artifact_max_bytes')) return 'artifactMaxBytes';
  if (f.startsWith('emulators_allowlist')) return 'emulatorsAllowlist';
  if (f.startsWith('port_bind_address')) return 'portBindAddress';
  if (f.startsWith('theme')) return 'theme';
  if (f.startsWith('quitBehaviour')) return 'quitBehaviour';
  return 'form';
}
