// The `vmdesk` command line: dispatches to a subcommand. Runs under plain Node; never imports electron.
import { commands } from './commands/index';
import { defaultErr, UsageError, type CliIo, type Command } from './command';
import { toErrorData } from '../shared/errors';
import { cleanUpInterruptedTests } from './interrupted-tests';

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: defaultErr,
};

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `vmdesk: run and test VM images the way Nomad's qemu driver runs them.\n\nUsage: vmdesk <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`vmdesk help <command>\` for a command's options.\n`;
}

/** True when `--json` is among a command's own options (not in a guest command after `--`). */
function wantsJson(args: string[]): boolean {
  const dash = args.indexOf('--');
  return (dash >= 0 ? args.slice(0, dash) : args).includes('--json');
}

/** Runs `vmdesk` with the given arguments (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] && commands.find((c) => c.name === rest[0]);
    io.out(topic ? `${topic.summary}\n\nUsage: ${topic.usage}\n` : helpText());
    return 0;
  }
  if (name === '--version' || name === 'version') {
    io.out(`vmdesk ${__VMDESK_VERSION__}\n`);
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    if (wantsJson(rest)) io.out(`${JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: `unknown command "${name}"` } })}\n`);
    io.err(`vmdesk: unknown command "${name}". Run \`vmdesk help\` for the list.\n`);
    return 2;
  }
  await cleanUpInterruptedTests(io);
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // --json promises one JSON line on stdout for every outcome, a wrong command line included.
      if (wantsJson(rest)) io.out(`${JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: err.message } })}\n`);
      io.err(`vmdesk ${name}: ${err.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (wantsJson(rest)) io.out(`${JSON.stringify({ ok: false, error: toErrorData(err) })}\n`);
    io.err(`vmdesk ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
