// A hand-written planner for the test guest, following the driver's argv contract (serial console with
// logfile, QMP, guest agent, user netdev with hostfwd). Used by supervisor tests to stay independent of
// the planner's validation rules; the CLI tests use the real driver.
import { isAbsolute, resolve } from 'node:path';
import { parseTask } from '../../src/shared/task';
import type { Plan, PortForward } from '../../src/shared/plan';
import { vmPaths } from '../../src/main/store/paths';
import type { Planner } from '../../src/main/supervisor/supervisor';

/** Plans a task (JSON object with `image_path` pointing at a raw disk) into exactly the contract's argv. */
export const guestPlanner: Planner = async (source, o) => {
  if (!('task' in source)) throw new Error('guestPlanner takes { task, taskDir }');
  const parsed = parseTask(source.task);
  if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.message}`);
  const task = parsed.task;
  const paths = vmPaths(o.home, task.name, { disposable: task.disposable, guestAgent: task.config.guest_agent }, o.env);
  const image = isAbsolute(task.config.image_path) ? task.config.image_path : resolve(source.taskDir, task.config.image_path);
  const ports: PortForward[] = Object.entries(task.config.port_map).map(([label, guest]) => ({
    label,
    guest,
    host: o.hostPorts?.[label] ?? task.ports[label] ?? 0,
    bind: '127.0.0.1',
    protocols: ['tcp'],
  }));
  const hostfwd = ports.map((p) => ({ str: `tcp:${p.bind}:${p.host}-:${p.guest}` }));
  const drive = paths.overlay
    ? { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: paths.overlay } }
    : { driver: 'raw', 'node-name': 'disk0', file: { driver: 'file', filename: image } };
  const argv = [
    '-name', `guest=${task.name}`,
    '-uuid', o.uuid,
    '-machine', 'type=pc,accel=tcg',
    '-m', String(task.resources.memory),
    '-smp', String(task.resources.cores),
    '-nographic', '-monitor', 'none',
    '-blockdev', JSON.stringify(drive),
    '-device', 'ide-hd,drive=disk0,bus=ide.0',
    '-chardev', `socket,id=vmdesk-console,path=${paths.consoleSocket},server=on,wait=off,logfile=${paths.consoleLog},logappend=on`,
    '-serial', 'chardev:vmdesk-console',
    '-chardev', `socket,id=vmdesk-qmp,path=${paths.qmpSocket},server=on,wait=off`,
    '-mon', 'chardev=vmdesk-qmp,mode=control',
    ...(paths.agentSocket
      ? ['-chardev', `socket,id=vmdesk-agent,path=${paths.agentSocket},server=on,wait=off`, '-device', 'virtio-serial', '-device', 'virtserialport,chardev=vmdesk-agent,name=org.qemu.guest_agent.0']
      : []),
    '-netdev', JSON.stringify({ type: 'user', id: 'vmdesk-net0', ...(hostfwd.length ? { hostfwd } : {}) }),
    '-device', 'virtio-net-pci,netdev=vmdesk-net0',
  ];
  const plan: Plan = {
    name: task.name,
    task,
    binary: '/usr/bin/qemu-system-x86_64',
    argv,
    ports,
    image: { path: image, format: 'raw' },
    paths,
    warnings: [],
  };
  return plan;
};

/** A task object for the test guest. */
export function guestTask(name: string, image: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    config: { image_path: image, accelerator: 'tcg', graceful_shutdown: true, guest_agent: true, port_map: { http: 80 }, ...config },
    resources: { memory: 128, cores: 1 },
    ports: { http: 0 },
    kill_timeout: '20s',
    ...extra,
  };
}
