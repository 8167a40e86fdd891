// Every `vmdesk` subcommand, in the order `vmdesk help` lists them. Only the help text is here: each command's
// code (and what it imports: the supervisor, zod schemas, the HCL parser, the artifacts code...) is loaded by
// `await import()` when that command runs, so `vmdesk ls` pays for `ls` alone (issue #17; the bundle has one
// chunk per command, scripts/build-cli.mjs).
import type { Command } from '../command';
import { COMMAND_INFO, type CommandName } from './info';

/** How to load each command's code. */
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  plan: async () => (await import('./plan')).planCommand,
  doctor: async () => (await import('./doctor')).doctorCommand,
  import: async () => (await import('./import')).importCommand,
  export: async () => (await import('./export')).exportCommand,
  nomad: async () => (await import('./nomad')).nomadCommand,
  demo: async () => (await import('./demo')).demoCommand,
  run: async () => (await import('./run')).runCommand,
  start: async () => (await import('./start')).startCommand,
  test: async () => (await import('./test')).testCommand,
  ls: async () => (await import('./ls')).lsCommand,
  inspect: async () => (await import('./inspect')).inspectCommand,
  logs: async () => (await import('./logs')).logsCommand,
  stop: async () => (await import('./stop')).stopCommand,
  rm: async () => (await import('./rm')).rmCommand,
  events: async () => (await import('./events')).eventsCommand,
  stats: async () => (await import('./stats')).statsCommand,
  agent: async () => (await import('./agent')).agentCommand,
  ssh: async () => (await import('./ssh')).sshCommand,
  screenshot: async () => (await import('./screen')).screenshotCommand,
  'send-keys': async () => (await import('./screen')).sendKeysCommand,
  type: async () => (await import('./screen')).typeCommand,
  snapshot: async () => (await import('./snapshot')).snapshotCommand,
  fetch: async () => (await import('./fetch')).fetchCommand,
  pull: async () => (await import('./pull')).pullCommand,
  cache: async () => (await import('./cache')).cacheCommand,
};

/** The registered commands: their help text at once, their code when run. */
export const commands: Command[] = COMMAND_INFO.map((info) => ({
  ...info,
  run: async (args, io) => (await LOADERS[info.name]()).run(args, io),
}));
