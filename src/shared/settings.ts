// The settings file ($VMDESK_HOME/settings.json): the driver config (the operator's word) and app preferences.
import { z } from 'zod';
import { DEFAULT_DRIVER_CONFIG, parseDriverConfig, type DriverConfig } from './driver-config';
import { parseWith, strictObject } from './schema-helpers';

/** What to do with running VMs when the app quits. */
export type QuitBehaviour = 'ask' | 'stop' | 'leave';

/** App preferences (ignored by the CLI). */
export interface Preferences {
  quitBehaviour: QuitBehaviour;
  theme: 'system' | 'light' | 'dark';
}

/** Everything in settings.json. */
export interface Settings {
  driver: DriverConfig;
  preferences: Preferences;
}

/** Preference defaults. */
export const DEFAULT_PREFERENCES: Preferences = { quitBehaviour: 'ask', theme: 'system' };

/** Schema for preferences sent by the renderer. */
export const preferencesSchema = strictObject({
  quitBehaviour: z.enum(['ask', 'stop', 'leave']).optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
});

/** Schema of the whole settings object as the renderer sends it (`setSettings`). */
export const settingsSchema = strictObject({
  driver: z.unknown().optional(),
  preferences: preferencesSchema.optional(),
});

/** Default settings: the default driver config and preferences. */
export const DEFAULT_SETTINGS: Settings = { driver: DEFAULT_DRIVER_CONFIG, preferences: DEFAULT_PREFERENCES };

/** Parses untrusted settings; fills defaults. The field is dotted from the top (`driver.port_bind_address`). */
export function parseSettings(
  input: unknown,
): { ok: true; settings: Settings } | { ok: false; field: string; message: string } {
  const top = parseWith(settingsSchema, input ?? {});
  if (!top.ok) return top;
  const driver = parseDriverConfig(top.value.driver);
  if (!driver.ok) {
    const field = driver.field ? `driver.${driver.field}` : 'driver';
    return { ok: false, field, message: driver.field ? `driver.${driver.message}` : `driver: ${driver.message}` };
  }
  const prefs = top.value.preferences ?? {};
  return {
    ok: true,
    settings: {
      driver: driver.config,
      preferences: {
        quitBehaviour: prefs.quitBehaviour ?? DEFAULT_PREFERENCES.quitBehaviour,
        theme: prefs.theme ?? DEFAULT_PREFERENCES.theme,
      },
    },
  };
}
