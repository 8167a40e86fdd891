// The Nomad cluster the app submits to: kept in settings.json under `nomad` (the CLI ignores that key).
// The ACL token is never stored in clear: only sealed by the OS keyring (Electron safeStorage), or not at all.
import { z } from 'zod';
import { strictObject } from './schema-helpers';

/** Where to submit: Nomad's HTTP address, namespace and region (empty: Nomad's default / NOMAD_* env). */
export interface NomadTargetSettings {
  address: string;
  namespace: string;
  region: string;
}

/** What the renderer sees of the saved Nomad settings (never the token itself). */
export interface NomadSettingsView extends NomadTargetSettings {
  /** A token is saved (sealed) and this machine can unseal it. */
  tokenSaved: boolean;
  /** `encrypted`: a token can be saved with the OS keyring; `unavailable`: no keyring, tokens are not saved. */
  tokenStorage: 'encrypted' | 'unavailable';
}

/** Defaults: nothing set (submit then falls back to NOMAD_ADDR etc., as Nomad's CLI). */
export const DEFAULT_NOMAD_TARGET: NomadTargetSettings = { address: '', namespace: '', region: '' };

/** The `setNomadSettings` request: the target, and a token to save (`token`) or to forget (`forgetToken`). */
export const nomadSettingsRequestSchema = strictObject({
  address: z.string().max(2048),
  namespace: z.string().max(128),
  region: z.string().max(128),
  token: z.string().min(1).max(4096).optional(),
  forgetToken: z.boolean().optional(),
});
