// Import: a qemu task's `artifact` blocks -> the task option `artifacts` (the same shape), so an imported job
// fetches its image at start as Nomad would. Getter options vmdesk cannot honour (S3 keys, git refs, ...) and
// forced getters (`s3::`, `git::`) are reported; such an artifact is left out with the URL to fetch by hand.
// Pure.
import { artifactSchema, type ArtifactFile } from '../../shared/artifact';
import { parseWith } from '../../shared/schema-helpers';
import type { NomadArtifact, Where } from './job-model';

/** Getter options vmdesk honours. */
const HONOURED = new Set(['checksum', 'archive']);

/** What the import makes of a task's artifacts. */
export interface MappedArtifacts {
  artifacts: ArtifactFile[];
  /** Where each artifact lands (relative to the task directory), including the ones left out. */
  destinations: string[];
}

type Diag = (severity: 'error' | 'warning' | 'info', kind: string, message: string, where?: Where, extra?: { source?: string }) => void;

/** `${NOMAD_TASK_DIR}` and `${NOMAD_ALLOC_DIR}` in a destination, as the task directory's `local` and `alloc`. */
function localDir(s: string): string {
  return s.replace(/\$\{NOMAD_TASK_DIR\}/g, 'local').replace(/\$\{NOMAD_ALLOC_DIR\}/g, 'alloc');
}

/** Maps the artifacts; `diag` receives one diagnostic per thing not carried over. */
export function mapArtifacts(list: NomadArtifact[], diag: Diag): MappedArtifacts {
  const artifacts: ArtifactFile[] = [];
  const destinations: string[] = [];
  for (const a of list) {
    const destination = localDir(a.destination ?? 'local/');
    destinations.push(destination);
    const ignored = Object.keys(a.options).filter((k) => !HONOURED.has(k));
    const entry: ArtifactFile = {
      source: a.source,
      destination,
      ...(a.mode ? { mode: a.mode as 'any' } : {}),
      ...(a.options.checksum !== undefined || a.options.archive !== undefined
        ? { options: { ...(a.options.checksum !== undefined ? { checksum: a.options.checksum } : {}), ...(a.options.archive !== undefined ? { archive: a.options.archive === 'false' ? false : true } : {}) } }
        : {}),
      ...(a.headers && Object.keys(a.headers).length ? { headers: a.headers } : {}),
    };
    const r = parseWith(artifactSchema, entry);
    if (!r.ok) {
      // Left out and reported (not an import error): the job stays importable, the image is fetched by hand.
      const why = r.message.replace(/^([\w.]+): \1: /, '$1: ');
      diag('warning', 'artifact', `artifact ${a.source}: ${why}; vmdesk cannot fetch it: fetch it into ${destination} by hand`, a.where, { source: a.source });
      continue;
    }
    if (ignored.length) diag('warning', 'artifact', `artifact ${a.source}: getter option(s) ${ignored.join(', ')} cannot be honoured by vmdesk and are ignored`, a.where, { source: a.source });
    if (/^http:/i.test(a.source) && !a.options.checksum) diag('warning', 'artifact', `artifact ${a.source}: plain http without a checksum; the download cannot be verified`, a.where, { source: a.source });
    artifacts.push(entry);
  }
  return { artifacts, destinations };
}
