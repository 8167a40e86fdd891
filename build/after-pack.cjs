// electron-builder afterPack hook: flips the Electron fuses (build/fuses.cjs) in the packed app's binary.
const path = require('node:path');
const { flipFuses } = require('@electron/fuses');
const { fuseConfig } = require('./fuses.cjs');

/** The Electron binary (or .app bundle) electron-builder just packed. */
function electronBinaryPath(context) {
  const platform = context.electronPlatformName;
  const { appOutDir, packager } = context;
  if (platform === 'darwin' || platform === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

/** The hook: electron-builder calls it with the pack context. */
async function afterPack(context) {
  const arch = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' }[context.arch] ?? String(context.arch);
  await flipFuses(electronBinaryPath(context), fuseConfig({ platform: context.electronPlatformName, arch }));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.electronBinaryPath = electronBinaryPath;
