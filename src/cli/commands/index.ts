// Every `vmdesk` subcommand, in the order `vmdesk help` lists them.
import type { Command } from '../command';
import { planCommand } from './plan';
import { doctorCommand } from './doctor';
import { importCommand } from './import';
import { exportCommand } from './export';
import { nomadCommand } from './nomad';

/** The registered commands. */
export const commands: Command[] = [
  planCommand,
  doctorCommand,
  importCommand,
  exportCommand,
  nomadCommand,
];
