// Tasks for the test guest, planned by the real driver: the guest's directory is an allowed image path.
import type { DriverConfig } from '../../src/shared/driver-config';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { guestDir } from './guest';

/** A driver config that allows the built guest images. */
export const guestDriverConfig: DriverConfig = { ...DEFAULT_DRIVER_CONFIG, image_paths: [guestDir] };

/** A task object for the test guest (128 MiB, TCG, agent on, http forwarded from a free port). */
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
