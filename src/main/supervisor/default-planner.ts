// The supervisor's planner: the driver's planTask / planTaskFile (validation, image policy, exact argv).
import { VmdeskError } from '../../shared/errors';
import { parseTask } from '../../shared/task';
import { planTask, planTaskFile } from '../driver/prepare';
import type { Planner } from './supervisor';

/** Plans a start source with the driver; task objects are untrusted input and parsed here. */
export const defaultPlanner: Planner = async (source, o) => {
  const opts = { driverConfig: o.driverConfig, home: o.home, uuid: o.uuid, env: o.env };
  if ('taskFile' in source) return planTaskFile(source.taskFile, opts);
  const r = parseTask(source.task);
  if (!r.ok) throw new VmdeskError(/^(ports|config\.port_map)/.test(r.field) ? 'PORT_INVALID' : 'INVALID_TASK', r.message, r.field || undefined);
  return planTask(r.task, source.taskDir, opts);
};
