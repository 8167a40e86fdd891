// `vmdesk snapshot NAME save|ls|restore|rm [TAG]`: internal qcow2 snapshots (src/main/snapshots/).
import { formatBytes } from '../../shared/format-bytes';
import { SNAPSHOT_OPS } from '../../shared/snapshot';
import { vmdeskHome } from '../../main/store/paths';
import { deleteSnapshot, listSnapshots, restoreSnapshot, saveSnapshot, type SnapshotContext } from '../../main/snapshots/snapshots';
import { defaultTag } from '../../main/snapshots/snapshot-rules';
import { formatTable } from '../format';
import { parseCli, printJson, reporting, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';

/** The `snapshot` command. */
export const snapshotCommand: Command = {
  ...commandInfo('snapshot'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' } });
    const json = values.json === true;
    const [name, op, tagArg, ...extra] = positionals;
    if (!name || !op) throw new UsageError(`give a VM name and an operation (${SNAPSHOT_OPS.join(', ')})`);
    if (!(SNAPSHOT_OPS as readonly string[]).includes(op)) throw new UsageError(`unknown snapshot operation "${op}"; use ${SNAPSHOT_OPS.join(', ')}`);
    if (extra.length) throw new UsageError(`unexpected "${extra[0]}"`);
    if (op === 'ls' && tagArg) throw new UsageError('ls takes no tag');
    if ((op === 'restore' || op === 'rm') && !tagArg) throw new UsageError(`${op} needs the tag of the snapshot (see vmdesk snapshot ${name} ls)`);
    return reporting(io, 'snapshot', json, () =>
      withSupervisor(async (sup) => {
        const ctx: SnapshotContext = {
          sup,
          home: vmdeskHome(),
          // Progress on stderr, so stdout stays the result (and --json one line).
          onProgress: (p) => io.err(`snapshot ${p.tag}: ${p.status} (${(p.elapsedMs / 1000).toFixed(1)} s)\n`),
        };
        if (op === 'ls') {
          const snaps = await listSnapshots(ctx, name);
          if (json) printJson(io, { name, snapshots: snaps });
          else if (snaps.length === 0) io.out(`${name} has no snapshots\n`);
          else
            io.out(
              formatTable(
                ['TAG', 'CREATED', 'VM STATE', 'GUEST CLOCK'],
                snaps.map((s) => [s.tag, s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), s.vmStateBytes ? formatBytes(s.vmStateBytes) : 'disk only', `${(s.vmClockMs / 1000).toFixed(1)} s`]),
              ),
            );
          return 0;
        }
        const tag = tagArg ?? defaultTag(new Date());
        const fn = op === 'save' ? saveSnapshot : op === 'restore' ? restoreSnapshot : deleteSnapshot;
        const snap = await fn(ctx, name, tag);
        const verb = op === 'save' ? 'saved' : op === 'restore' ? 'restored' : 'removed';
        if (json) printJson(io, { name, op, snapshot: snap });
        else io.out(`${verb} snapshot ${snap.tag} of ${name}${op === 'save' ? ` (VM state ${snap.vmStateBytes ? formatBytes(snap.vmStateBytes) : 'none: disk only'})` : ''}\n`);
        return 0;
      }),
    );
  },
};
