// Inputs for planner tests: tasks built through the real task parser, and host facts / paths as plain
// values (buildPlan is pure; these are its inputs, not fakes of anything).
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';
import type { ImageInfo, VmPaths } from '../../src/shared/plan';
import { parseTask, type Task } from '../../src/shared/task';
import type { HostFacts, PlanContext } from '../../src/main/driver/plan';
import { vmPaths } from '../../src/main/store/paths';

/** A parsed task; throws if the input does not parse. */
export function task(input: { name?: string; config?: Record<string, unknown>; [k: string]: unknown } = {}): Task {
  const { config, ...rest } = input;
  const r = parseTask({ name: 'web', ...rest, config: { image_path: 'web.qcow2', ...config } });
  if (!r.ok) throw new Error(`test task does not parse: ${r.message}`);
  return r.task;
}

/** Host facts of a Linux host with x86 QEMU, KVM and seccomp. */
export const linuxHost: HostFacts = {
  platform: 'linux',
  emulators: { x86_64: '/usr/bin/qemu-system-x86_64', i386: '/usr/bin/qemu-system-i386', aarch64: '/usr/bin/qemu-system-aarch64' },
  kvmUsable: true,
  sandboxSupported: true,
};

/** The image every golden test uses. */
export const image: ImageInfo = { path: '/tasks/web/web.qcow2', format: 'qcow2', virtualSize: 64 << 20 };

/** VM paths under a fixed home and runtime dir. */
export function paths(t: Task, runtime = '/run/vd'): VmPaths {
  return vmPaths('/home/u/.local/state/vmdesk', t.name, { disposable: t.disposable, guestAgent: t.config.guest_agent }, { VMDESK_RUNTIME_DIR: runtime });
}

/** A plan context for `t`. */
export function ctx(t: Task, over: Partial<PlanContext> & { config?: Partial<DriverConfig> } = {}): PlanContext {
  const { config, ...rest } = over;
  return {
    taskDir: '/tasks/web',
    driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...config },
    host: linuxHost,
    image,
    paths: paths(t),
    ...rest,
  };
}
