// `vmdesk agent NAME ping|info|ifaces|exec [--json] [-- CMD...]`: talk to qemu-ga in the guest.
import { formatTable } from '../format';
import { parseCli, printJson, reporting, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';

const OPS = ['ping', 'info', 'ifaces', 'exec'] as const;

/** The `agent` command. */
export const agentCommand: Command = {
  ...commandInfo('agent'),
  async run(args, io) {
    const dash = args.indexOf('--');
    const own = dash >= 0 ? args.slice(0, dash) : args;
    const command = dash >= 0 ? args.slice(dash + 1) : [];
    const { values, positionals } = parseCli(own, { json: { type: 'boolean' }, 'timeout-ms': { type: 'string' } });
    const json = values.json === true;
    const [name, op, ...extra] = positionals;
    if (!name || !op) throw new UsageError('give a VM name and an operation (ping, info, ifaces, exec)');
    if (!(OPS as readonly string[]).includes(op)) throw new UsageError(`unknown agent operation "${op}"; use ${OPS.join(', ')}`);
    if (extra.length) throw new UsageError(`unexpected "${extra[0]}"${op === 'exec' ? ': put the command after --' : ''}`);
    if (op === 'exec' && command.length === 0) throw new UsageError('exec needs a command after --, e.g. vmdesk agent web exec -- /bin/uname -a');
    const timeoutMs = values['timeout-ms'] !== undefined ? Number(values['timeout-ms']) : undefined;
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError('--timeout-ms must be a positive integer');
    return reporting(io, 'agent', json, () =>
      withSupervisor(async (sup) => {
        switch (op) {
          case 'ping':
            await sup.agent.ping(name);
            if (json) printJson(io, { name });
            else io.out(`${name}: guest agent responds\n`);
            return 0;
          case 'info': {
            const info = await sup.agent.info(name);
            if (json) printJson(io, { name, info });
            else io.out(`guest agent version ${String(info.version ?? 'unknown')}\n`);
            return 0;
          }
          case 'ifaces': {
            const interfaces = await sup.agent.interfaces(name);
            if (json) printJson(io, { name, interfaces });
            else
              io.out(
                formatTable(
                  ['INTERFACE', 'MAC', 'ADDRESSES'],
                  interfaces.map((i) => [i.name, i.hardwareAddress ?? '-', i.addresses.map((a) => `${a.address}/${a.prefix}`).join(' ') || '-']),
                ),
              );
            return 0;
          }
          default: {
            const r = await sup.agent.exec(name, command, timeoutMs !== undefined ? { timeoutMs } : {});
            if (json) printJson(io, { name, ...r });
            else {
              io.out(r.stdout);
              if (r.stderr) io.err(r.stderr);
            }
            return r.exitCode === 0 ? 0 : 1;
          }
        }
      }),
    );
  },
};
