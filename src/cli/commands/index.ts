// Every `vmdesk` subcommand, in the order `vmdesk help` lists them.
import type { Command } from '../command';
import { planCommand } from './plan';
import { doctorCommand } from './doctor';
import { importCommand } from './import';
import { exportCommand } from './export';
import { nomadCommand } from './nomad';
import { runCommand } from './run';
import { startCommand } from './start';
import { lsCommand } from './ls';
import { inspectCommand } from './inspect';
import { logsCommand } from './logs';
import { stopCommand } from './stop';
import { rmCommand } from './rm';
import { eventsCommand } from './events';
import { statsCommand } from './stats';
import { agentCommand } from './agent';
import { sshCommand } from './ssh';
import { screenshotCommand, sendKeysCommand, typeCommand } from './screen';
import { snapshotCommand } from './snapshot';
import { fetchCommand } from './fetch';
import { pullCommand } from './pull';
import { cacheCommand } from './cache';
import { testCommand } from './test';

/** The registered commands. */
export const commands: Command[] = [
  planCommand,
  doctorCommand,
  importCommand,
  exportCommand,
  nomadCommand,
  runCommand,
  startCommand,
  testCommand,
  lsCommand,
  inspectCommand,
  logsCommand,
  stopCommand,
  rmCommand,
  eventsCommand,
  statsCommand,
  agentCommand,
  sshCommand,
  screenshotCommand,
  sendKeysCommand,
  typeCommand,
  snapshotCommand,
  fetchCommand,
  pullCommand,
  cacheCommand,
];
