// I/O edge of the args policy: what args-host-reach.ts found, checked against the file system. With an
// args_allowlist: every existing host path is re-checked with symlinks resolved (a path QEMU would create:
// its directory decides); every disk image goes through the image rule (image-rule.ts: place, regular file,
// explicit format, backing chain and data file); the entries of an -L directory must resolve inside the
// allowed places too (QEMU loads firmware and keymaps from it by name); and a -readconfig file (only when
// the operator allows it in args_loader_allowlist) is read and each of its groups checked as the option it
// stands for. Without an allowlist (Nomad's semantics) only one thing is checked: an image that is not a
// regular file is refused (a FIFO would block QEMU's start, a device reads the host). Reads files, runs
// qemu-img; writes nothing.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { bindArgs } from './args-binds';
import { argsHostReach, hostReachProblem, itemsReach, resolveArgPath, type HostReach } from './args-host-reach';
import { loaderProblem } from './args-loaders';
import { classifyArgs } from './args-policy';
import { type AllowedPlaces, realpathOrUndefined } from './image-inspect';
import { isAllowedImagePath } from './image-policy';
import { checkImageFile } from './image-rule';
import { parseQemuConfigFile } from './qemu-config-file';
import { optionKeys } from './qemu-option-keys';
import { normaliseOption } from './qemu-options';
import { formatQemuOpts } from './qemu-opts-parse';
import { readLimitedFile } from '../store/read-limited';

/** Largest -readconfig file vmdesk reads. */
export const READCONFIG_MAX_BYTES = 256 * 1024;
/** Most entries of an -L directory vmdesk checks (more is refused). */
export const DATA_DIR_MAX_ENTRIES = 2000;

interface Ctx {
  places: AllowedPlaces;
  dc: DriverConfig;
  /** Prefix for messages about findings inside a -readconfig file. */
  within?: string;
}

/** Checks the files that `args` reach (see the top of this file); throws ARG_NOT_ALLOWED / IMAGE_* errors. */
export async function checkArgFiles(args: readonly string[], places: AllowedPlaces, dc: DriverConfig): Promise<void> {
  const tokens = classifyArgs(args);
  const reaches = argsHostReach(tokens);
  if (dc.args_allowlist.length === 0) {
    // A positional token is the first hard disk image (QEMU's -hda); with an allowlist it is refused outright.
    const positional = tokens.filter((t) => t.kind === 'positional').map((t): HostReach => ({ index: t.index, option: '(positional)', kind: 'image', value: t.token }));
    for (const r of [...reaches, ...positional]) if (r.kind === 'image' && !/^[^:/]+:/.test(r.value)) await refuseNonRegular(r, places);
    return;
  }
  await checkReaches(reaches, { places, dc });
}

async function refuseNonRegular(r: HostReach, places: AllowedPlaces): Promise<void> {
  const wanted = resolveArgPath(r.value, places.taskDir);
  const s = await stat(wanted).catch(() => undefined);
  if (s && !s.isFile()) {
    throw new VmdeskError('IMAGE_INVALID', `"${r.option}" ${JSON.stringify(r.value)}: ${wanted} is not a regular file (a FIFO would block QEMU's start; a device or directory is not an image)`, `config.args.${r.index}`);
  }
}

const refuse = (ctx: Ctx, r: HostReach, message: string) => new VmdeskError('ARG_NOT_ALLOWED', (ctx.within ?? '') + message, `config.args.${r.index}`);

async function checkReaches(reaches: readonly HostReach[], ctx: Ctx): Promise<void> {
  const { places } = ctx;
  for (const r of reaches) {
    const lexical = hostReachProblem(r, places.taskDir, ctx.dc.image_paths);
    if (lexical) throw refuse(ctx, r, lexical);
    if (r.kind === 'image') {
      if (optionKeys(r.option)?.syntax === 'image') {
        throw refuse(ctx, r, `"${r.option} ${r.value}": QEMU would guess the image's format; with an args_allowlist give it as -drive file=${r.value},format=FORMAT (with media=cdrom, if=floppy ... as needed)`);
      }
      // -drive without format= makes QEMU probe; a -blockdev file node's format is the node that uses it, and
      // when that node is given by name the image is checked as its header says (a qcow2's chain included).
      const name = `${ctx.within ?? ''}"${r.option}" ${r.key ?? 'file'}=${r.value}`;
      const ref = { path: r.value, ...(r.format !== undefined ? { format: r.format } : {}), requireFormat: r.option === '-drive', name, field: `config.args.${r.index}` };
      await checkImageFile(ref, places, ctx.dc.image_paths).catch((err: unknown) => {
        // An image in args outside the allowed places is an argument that is not allowed.
        throw err instanceof VmdeskError && err.code === 'IMAGE_NOT_ALLOWED' ? new VmdeskError('ARG_NOT_ALLOWED', err.message, err.field) : err;
      });
      continue;
    }
    if (r.kind !== 'path') continue;
    const wanted = resolveArgPath(r.value, places.taskDir);
    let real = await realpathOrUndefined(wanted);
    // A file QEMU would create: its directory decides.
    if (real === undefined) {
      const dir = await realpathOrUndefined(dirname(wanted));
      real = dir === undefined ? undefined : join(dir, basename(wanted));
    }
    if (real !== undefined && !isAllowedImagePath(real, places.taskDir, places.imageDirs)) {
      throw refuse(ctx, r, `"${r.option}" reaches ${JSON.stringify(r.value)} (really ${real}), outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places`);
    }
    if (real !== undefined && r.option === '-L') await checkDataDir(real, r, ctx);
    if (real !== undefined && r.option === '-readconfig' && ctx.within === undefined) await checkReadconfig(real, r, ctx);
  }
}

/** Every entry of an -L directory (and its keymaps/ subdirectory) must resolve inside the allowed places. */
async function checkDataDir(dir: string, r: HostReach, ctx: Ctx): Promise<void> {
  const s = await stat(dir);
  if (!s.isDirectory()) throw refuse(ctx, r, `"-L" ${JSON.stringify(r.value)} is not a directory`);
  const entries = (await readdir(dir, { recursive: true })).map(String);
  if (entries.length > DATA_DIR_MAX_ENTRIES) throw refuse(ctx, r, `"-L" ${JSON.stringify(r.value)} holds more than ${DATA_DIR_MAX_ENTRIES} entries; give a directory with just the firmware files`);
  for (const e of entries) {
    const real = await realpathOrUndefined(join(dir, e));
    if (real !== undefined && !isAllowedImagePath(real, ctx.places.taskDir, ctx.places.imageDirs)) {
      throw refuse(ctx, r, `"-L" ${JSON.stringify(r.value)}: ${e} is really ${real}, outside the task's directory and image_paths (QEMU would load it as firmware or a keymap)`);
    }
  }
}

/** A -readconfig file: each group checked as its option (allowlist, loaders, paths, images, binds). */
async function checkReadconfig(file: string, r: HostReach, ctx: Ctx): Promise<void> {
  const read = await readLimitedFile(file, READCONFIG_MAX_BYTES);
  if (!read.ok) throw refuse(ctx, r, `"-readconfig" ${JSON.stringify(r.value)}: ${read.message}`);
  let groups;
  try {
    groups = parseQemuConfigFile(read.text);
  } catch (err) {
    throw refuse(ctx, r, `"-readconfig" ${JSON.stringify(r.value)} cannot be checked: ${(err as Error).message}`);
  }
  const allowed = new Set(ctx.dc.args_allowlist.map(normaliseOption));
  for (const g of groups) {
    const within = `"-readconfig" ${r.value} line ${g.line} [${g.group}]: `;
    const fail = (m: string) => new VmdeskError('ARG_NOT_ALLOWED', within + m, `config.args.${r.index}`);
    if (g.option === undefined) throw fail('a group vmdesk does not know; it cannot be checked');
    if (!allowed.has(g.option)) throw fail(`it declares "${g.option}", which is not in args_allowlist`);
    const loader = loaderProblem(g.option, ctx.dc.args_loader_allowlist ?? []);
    if (loader) throw fail(loader);
    const reaches: HostReach[] = [];
    itemsReach(g.option, g.items, (x) => reaches.push({ index: r.index, option: g.option!, ...x }));
    await checkReaches(reaches, { ...ctx, within });
    // A listening address cannot be rewritten inside the file: it must already say port_bind_address.
    const written = formatQemuOpts(g.items);
    const bound = bindArgs([g.option, written], ctx.dc.port_bind_address, true);
    if (bound.args.join('\u0000') !== [g.option, written].join('\u0000')) {
      throw fail(`it listens on every interface; write the host as ${ctx.dc.port_bind_address} in the file (port_bind_address)`);
    }
  }
}
