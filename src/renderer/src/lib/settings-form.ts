// The Settings page's form: text fields for the driver config lists, and the conversion back.
import type { Settings } from '../../../shared/settings';

/** What the Settings page edits. */
export interface SettingsForm {
  imagePaths: string;
  argsAllowlist: string;
  emulatorsAllowlist: string;
  portBindAddress: string;
  theme: Settings['preferences']['theme'];
  quitBehaviour: Settings['preferences']['quitBehaviour'];
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const words = (text: string) => text.split(/[\s,]+/).filter((w) => w !== '');

/** The form for stored settings. */
export function settingsToForm(s: Settings): SettingsForm {
  return {
    imagePaths: s.driver.image_paths.join('\n'),
    argsAllowlist: s.driver.args_allowlist.join(' '),
    emulatorsAllowlist: s.driver.emulators_allowlist.join(', '),
    portBindAddress: s.driver.port_bind_address,
    theme: s.preferences.theme,
    quitBehaviour: s.preferences.quitBehaviour,
  };
}

/** The settings the form describes (image paths one per line, so a path may contain spaces). */
export function formToSettings(f: SettingsForm): Settings {
  return {
    driver: {
      image_paths: lines(f.imagePaths),
      args_allowlist: words(f.argsAllowlist),
      emulators_allowlist: words(f.emulatorsAllowlist),
      port_bind_address: f.portBindAddress.trim(),
    },
    preferences: { theme: f.theme, quitBehaviour: f.quitBehaviour },
  };
}

/** The settings form field an error's dotted field belongs to. */
export function settingsField(field: string | undefined): keyof SettingsForm | 'form' {
  const f = (field ?? '').replace(/^driver\./, '').replace(/^preferences\./, '');
  if (f.startsWith('image_paths')) return 'imagePaths';
  if (f.startsWith('args_allowlist')) return 'argsAllowlist';
  if (f.startsWith('emulators_allowlist')) return 'emulatorsAllowlist';
  if (f.startsWith('port_bind_address')) return 'portBindAddress';
  if (f.startsWith('theme')) return 'theme';
  if (f.startsWith('quitBehaviour')) return 'quitBehaviour';
  return 'form';
}
