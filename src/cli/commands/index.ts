// Every `vmdesk` subcommand, in the order `vmdesk help` lists them.
import type { Command } from '../command';

/** The registered commands. */
export const commands: Command[] = [];
