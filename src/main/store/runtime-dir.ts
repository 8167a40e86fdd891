// The runtime directory base holds every VM's control sockets (QMP is a root shell for the QEMU user), so it
// is used only when it is private, checked as OpenSSH and tmux check theirs: a real directory (not a
// symlink), owned by this user, no access for group or others. /tmp/vmdesk-<uid> (the fallback without
// XDG_RUNTIME_DIR) can be made beforehand by another user; it is then refused, never used as found.
import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { currentUid } from './paths';

/** What lstat says about the base (or undefined when it does not exist). */
export type BaseFacts = Pick<Stats, 'uid' | 'mode'> & { isSymbolicLink: boolean; isDirectory: boolean; linkTarget?: string };

/** Why `base` cannot hold vmdesk's sockets, or undefined when it is private to `uid`. Pure. */
export function runtimeBaseProblem(base: string, f: BaseFacts, uid: number): string | undefined {
  const fix = `set VMDESK_RUNTIME_DIR to a directory only you can use (e.g. \`mkdir -m 700 /tmp/vd-$USER\` and VMDESK_RUNTIME_DIR=/tmp/vd-$USER)`;
  if (f.isSymbolicLink) {
    return `the runtime directory ${base} is a symbolic link${f.linkTarget ? ` (to ${f.linkTarget})` : ''}, which whoever made it can point elsewhere; vmdesk keeps VM sockets only in a real directory. Remove the link, or ${fix}`;
  }
  if (!f.isDirectory) return `the runtime directory ${base} exists but is not a directory. Remove it, or ${fix}`;
  if (f.uid !== uid) {
    return `the runtime directory ${base} belongs to uid ${f.uid}, not to you (uid ${uid}): that user could replace the VM sockets in it and answer vmdesk's QMP and agent calls. Have it removed, or ${fix}`;
  }
  if ((f.mode & 0o077) !== 0) {
    const mode = (f.mode & 0o7777).toString(8).padStart(4, '0');
    return `the runtime directory ${base} has mode ${mode}: other users can reach the VM sockets in it. Run \`chmod 700 ${base}\`, or ${fix}`;
  }
  return undefined;
}

function factsOf(base: string): BaseFacts | undefined {
  let st: Stats;
  try {
    st = lstatSync(base);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const link = st.isSymbolicLink();
  let linkTarget: string | undefined;
  try {
    linkTarget = link ? readlinkSync(base) : undefined;
  } catch {
    linkTarget = undefined;
  }
  return { uid: st.uid, mode: st.mode, isSymbolicLink: link, isDirectory: st.isDirectory(), ...(linkTarget ? { linkTarget } : {}) };
}

/**
 * Makes sure `base` is private to this user: created 0700 when missing (`create`), checked when found.
 * Throws RUNTIME_DIR_UNSAFE saying what is wrong and how to fix it; false when it is missing and not created.
 */
export function ensurePrivateRuntimeBase(base: string, o: { create: boolean }): boolean {
  let f = factsOf(base);
  if (!f) {
    if (!o.create) return false;
    mkdirSync(dirname(base), { recursive: true, mode: 0o700 });
    try {
      mkdirSync(base, { mode: 0o700 }); // not recursive: EEXIST when someone made it meanwhile, then checked below
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    f = factsOf(base);
    if (!f) throw new VmdeskError('RUNTIME_DIR_UNSAFE', `the runtime directory ${base} vanished right after it was created; try again`);
  }
  const problem = runtimeBaseProblem(base, f, currentUid());
  if (problem) throw new VmdeskError('RUNTIME_DIR_UNSAFE', problem);
  return true;
}
