// The app's saved Nomad target (settings.json key `nomad`) and its ACL token, sealed through the injected
// TokenVault. The token is written only sealed; without a keyring it is not written at all (the UI says so),
// and it never goes back to the renderer.
import { z } from 'zod';
import { DEFAULT_NOMAD_TARGET, type NomadSettingsView, type NomadTargetSettings } from '../../shared/nomad-settings';
import type { SettingsStore } from './settings-store';
import type { TokenVault } from './token-vault';

/** What the `nomad` section of settings.json holds. */
const storedSchema = z.object({
  address: z.string().max(2048).catch(''),
  namespace: z.string().max(128).catch(''),
  region: z.string().max(128).catch(''),
  token_sealed: z.string().max(65536).optional().catch(undefined),
});
type Stored = z.infer<typeof storedSchema>;

const addressKey = (address: string) => address.trim().replace(/\/+$/, '');

/** Reads and writes the Nomad settings. */
export interface NomadSettingsService {
  /** The saved target and token status (never the token). */
  view(): NomadSettingsView;
  /** Saves the target; `token` is sealed and saved when a keyring is available, `forgetToken` drops it. */
  save(next: NomadTargetSettings & { token?: string; forgetToken?: boolean }): NomadSettingsView;
  /** The saved target, with the unsealed token when one is saved and can be unsealed. */
  target(): NomadTargetSettings & { token?: string };
}

/** Creates the service over the settings store and the vault. */
export function createNomadSettings(settings: SettingsStore, vault: TokenVault): NomadSettingsService {
  const read = (): Stored => {
    const parsed = storedSchema.safeParse(settings.getSection('nomad') ?? {});
    return parsed.success ? parsed.data : { ...DEFAULT_NOMAD_TARGET };
  };
  const unsealed = (stored: Stored): string | undefined => {
    if (!stored.token_sealed || !vault.available()) return undefined;
    try {
      return vault.unseal(stored.token_sealed);
    } catch {
      return undefined; // sealed by another keyring or damaged: as if none were saved
    }
  };
  const view = (stored: Stored): NomadSettingsView => ({
    address: stored.address,
    namespace: stored.namespace,
    region: stored.region,
    tokenSaved: unsealed(stored) !== undefined,
    tokenStorage: vault.available() ? 'encrypted' : 'unavailable',
  });
  return {
    view: () => view(read()),
    save(next) {
      const previous = read();
      // A saved token belongs to the address it was saved with: a new address drops it (unless a token comes too),
      // so the token of one cluster is never sent to another.
      const moved = addressKey(next.address) !== addressKey(previous.address);
      let sealed = next.forgetToken || moved ? undefined : previous.token_sealed;
      if (next.token !== undefined && !next.forgetToken) sealed = vault.available() ? vault.seal(next.token) : undefined;
      const stored: Stored = { address: next.address.trim(), namespace: next.namespace.trim(), region: next.region.trim(), ...(sealed ? { token_sealed: sealed } : {}) };
      settings.setSection('nomad', stored);
      return view(stored);
    },
    target() {
      const stored = read();
      const token = unsealed(stored);
      return { address: stored.address, namespace: stored.namespace, region: stored.region, ...(token ? { token } : {}) };
    },
  };
}
