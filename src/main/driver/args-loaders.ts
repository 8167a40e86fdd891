// Options that make QEMU load host configuration or host code: vmdesk checks where such a file lies, but it
// cannot vouch for what the file does (a -readconfig file can declare any drive, device or object; a
// -plugin is a shared object run inside the QEMU process; a device tree or option ROM is parsed and loaded
// as the task wrote it). With a non-empty args_allowlist they are refused unless the operator names them,
// on purpose, in the separate driver config list `args_loader_allowlist` (being in args_allowlist is not
// enough). When -readconfig is allowed that way, the paths inside the file are checked too (args-files.ts).
import { normaliseOption } from './qemu-options';

/** Each loader option and what it loads. */
export const HOST_LOADER_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['-readconfig', 'reads a QEMU configuration file, which can declare any drive, device or object'],
  ['-plugin', 'loads a shared object into the QEMU process (host code)'],
  ['-option-rom', 'loads an option ROM file as written'],
  ['-dtb', 'loads a device tree blob, which QEMU parses'],
]);

/** Why a loader option is refused (allowlist mode), or undefined when the operator allows it by name. */
export function loaderProblem(option: string, loaderAllowlist: readonly string[]): string | undefined {
  const what = HOST_LOADER_OPTIONS.get(option);
  if (what === undefined || loaderAllowlist.map(normaliseOption).includes(option)) return undefined;
  return (
    `"${option}" ${what}; vmdesk cannot vouch for what such a file does, so with an args_allowlist it is refused ` +
    `unless the driver config also names it in args_loader_allowlist`
  );
}
