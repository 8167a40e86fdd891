// Sealing a secret (the Nomad ACL token) with the OS keyring. The app injects the Electron safeStorage
// adapter (src/main/index.ts); the services only see this port, so they run under plain Node.

/** Seals and unseals secrets; `available()` is false where no keyring can protect them. */
export interface TokenVault {
  /** True when secrets can be sealed on this machine (otherwise they must not be stored at all). */
  available(): boolean;
  /** Seals `plain`; returns text safe to store (base64 of the ciphertext). Only call when available(). */
  seal(plain: string): string;
  /** Unseals what seal() returned; throws when it cannot (another keyring, corrupted data). */
  unseal(sealed: string): string;
}

/** The part of Electron's safeStorage the vault uses (structural, so this file does not import electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

/**
 * A vault over Electron's safeStorage. On Linux safeStorage can fall back to a hard-coded key ("basic_text")
 * when no keyring runs; Electron then still says available, so `getSelectedStorageBackend` is checked
 * where it exists and "basic_text" counts as unavailable (that would be plain text in all but name).
 */
export function safeStorageVault(safeStorage: SafeStorageLike & { getSelectedStorageBackend?: () => string }): TokenVault {
  return {
    available() {
      if (!safeStorage.isEncryptionAvailable()) return false;
      let backend: string | undefined;
      try {
        backend = safeStorage.getSelectedStorageBackend?.(); // Linux only; absent or throwing elsewhere
      } catch {
        backend = undefined;
      }
      return backend !== 'basic_text';
    },
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

/** A vault that can seal nothing (no keyring): tokens are used for one submission and never stored. */
export const noVault: TokenVault = {
  available: () => false,
  seal() {
    throw new Error('no keyring: secrets cannot be sealed here');
  },
  unseal() {
    throw new Error('no keyring: secrets cannot be unsealed here');
  },
};
