// Name -> task, the one rule (the app's services, `vmdesk export`, `vmdesk nomad submit`, `vmdesk fetch`):
// the app's task file of that name ($VMDESK_HOME/tasks/<name>.json, else tasks/<name>/<name>.json), else the
// supervisor's run record of the VM ($VMDESK_HOME/vms/<name>/vm.json): the task file it was started from when
// that still exists, else the task the record holds.
import { VmdeskError } from '../../shared/errors';
import { recordPath, readRecord, type StateRecord } from '../supervisor/state-record';
import { findTaskFile, isFile } from '../app/task-store';
import { vmDir } from './paths';

/** Where the task of a VM name is: a task file, or (the file gone or never there) only its run record. */
export type TaskLocation =
  | { kind: 'file'; path: string }
  | { kind: 'record'; record: StateRecord; recordFile: string; /** The task file it was started from (no longer a file), if any. */ taskFile?: string };

/** Finds the task of VM `name` (a valid name); undefined when vmdesk knows no such VM; STATE_CORRUPT for an unreadable record. */
export async function locateTask(home: string, name: string): Promise<TaskLocation | undefined> {
  const own = await findTaskFile(home, name);
  if (own) return { kind: 'file', path: own };
  const dir = vmDir(home, name);
  const r = readRecord(dir);
  if (r.ok) {
    const file = r.record.taskFile;
    if (file && (await isFile(file))) return { kind: 'file', path: file };
    return { kind: 'record', record: r.record, recordFile: recordPath(dir), ...(file ? { taskFile: file } : {}) };
  }
  if (r.missing) return undefined;
  throw new VmdeskError('STATE_CORRUPT', `the record of VM "${name}" cannot be read: ${r.reason}`);
}
