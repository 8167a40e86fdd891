// The settings file ($VMDESK_HOME/settings.json): the driver config (the operator's word) and app preferences.
import { z } from 'zod';
import type { DriverConfig } from './driver-config';
import { strictObject } from './schema-helpers';

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
