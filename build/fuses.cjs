// Electron fuses vmdesk flips at package time (https://www.electronjs.org/docs/latest/tutorial/fuses):
// no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect, load the app only from an integrity-checked asar,
// encrypted cookies. Plain data, so a test can check it without packaging.
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** The fuse configuration passed to flipFuses. */
function fuseConfig(opts = {}) {
  return {
    version: FuseVersion.V1,
    // Ad-hoc signed mac arm64 binaries must be re-signed after flipping.
    resetAdHocDarwinSignature: opts.platform === 'darwin' && opts.arch === 'arm64',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  };
}

module.exports = { fuseConfig };
