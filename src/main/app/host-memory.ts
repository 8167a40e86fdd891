// Whether a VM asks for more memory than this host can give: a warning for the form and Overview (QEMU
// starts anyway, as memory is allocated lazily, but the guest swaps the host or the OOM killer ends QEMU). Pure.
import { formatBytes } from '../../shared/format-bytes';

/** Share of the host's RAM above which a single VM's memory is flagged. */
export const HOST_MEMORY_WARN_SHARE = 0.9;

/** The warning for `memoryMiB` on a host with `hostBytes` of RAM, or undefined when it fits. */
export function hostMemoryWarning(memoryMiB: number, hostBytes: number): string | undefined {
  const asked = memoryMiB * 1024 * 1024;
  if (!(hostBytes > 0) || asked <= hostBytes * HOST_MEMORY_WARN_SHARE) return undefined;
  const more = asked > hostBytes ? 'more memory than this host has' : 'nearly all of this host’s memory';
  return `${memoryMiB} MiB is ${more} (${formatBytes(hostBytes)}): the host may swap heavily or kill QEMU when the guest uses it; lower the memory (resources.memory)`;
}
