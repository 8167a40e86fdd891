// The Nomad channels of the app: import a job (preview or write), pick a job file, export a VM as a job,
// submit it to a cluster, and the saved Nomad target with its sealed token. Plain Node, like services.ts.
import { rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Handlers } from '../ipc/dispatch';
import type { ExportJobResult, ImportDiagnostic } from '../../shared/ipc-contract';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';
import { VmdeskError } from '../../shared/errors';
import { parseTask, type Task } from '../../shared/task';
import { exportJob as exportNomadJob, toApiJson, toHcl } from '../nomad/export-job';
import { importJobText } from '../nomad/import-job';
import { resolveNomadTarget } from '../nomad/nomad-target';
import { submitTask } from '../nomad/submit';
import { writeAllOrNothing } from '../nomad/write-tasks';
import { readLimitedFile } from '../store/read-limited';
import type { DriverConfig } from '../../shared/driver-config';
import type { AppEventSink } from './app-events';
import type { NomadSettingsService } from './nomad-settings';
import { readTaskJson, tasksDir } from './task-store';

/** The Nomad channels' keys. */
export type NomadChannel = 'importJob' | 'pickJobFile' | 'exportJob' | 'submitJob' | 'getNomadSettings' | 'setNomadSettings';

/** What the Nomad channels need from the rest of the services. */
export interface NomadContext {
  home: string;
  env: NodeJS.ProcessEnv;
  driverConfig(): DriverConfig;
  nomadSettings: NomadSettingsService;
  /** True when a VM (task file or run record) of this name exists. */
  exists(name: string): Promise<boolean>;
  /** The task file that defines VM `name` (VM_NOT_FOUND otherwise). */
  taskFileOf(name: string): Promise<string>;
  /** Tells the renderer about a new definition. */
  announce(name: string): Promise<void>;
  emit: AppEventSink['emit'];
  showOpenJobDialog(): Promise<string | null>;
  showSaveDialog(defaultName: string): Promise<string | null>;
}

/** The handlers of the Nomad channels. */
export function createNomadHandlers(ctx: NomadContext): Pick<Handlers, NomadChannel> {
  async function taskOf(name: string): Promise<{ file: string; task: Task }> {
    const file = await ctx.taskFileOf(name);
    const parsed = parseTask(await readTaskJson(file));
    if (!parsed.ok) throw new VmdeskError('INVALID_TASK', `${file}: ${parsed.message}`, parsed.field);
    return { file, task: parsed.task };
  }

  return {
    async importJob({ text, only, tasks, dryRun }) {
      const selection = [...(only ? [only] : []), ...(tasks ?? [])];
      const result = await importJobText(text, {
        outDir: tasksDir(ctx.home),
        driverConfig: ctx.driverConfig(),
        home: ctx.home,
        ...(selection.length ? { only: selection } : {}),
      });
      const diagnostics: ImportDiagnostic[] = [...result.diagnostics];
      const clash = new Set<string>();
      for (const t of result.found) {
        if (!(await ctx.exists(t.name))) continue;
        clash.add(t.name);
        diagnostics.push({ severity: 'error', kind: 'exists', task: t.nomadTask, message: `a VM named "${t.name}" already exists; rename or delete it first` });
      }
      const ok = result.ok && clash.size === 0;
      const write = ok && !dryRun;
      if (write) {
        await writeAllOrNothing(result.tasks.map((t) => ({ path: t.taskFile, content: `${JSON.stringify(t.file, null, 2)}\n` })));
        for (const t of result.tasks) await ctx.announce(t.name);
      }
      return {
        ok,
        ...(result.job ? { job: result.job } : {}),
        vms: write ? result.tasks.map((t) => t.name) : [],
        found: result.found.map((t) => ({ ...t, valid: t.valid && !clash.has(t.name) })),
        diagnostics,
      };
    },

    async pickJobFile() {
      const path = await ctx.showOpenJobDialog();
      if (path === null) return null;
      // The user picked this file in the OS dialog; it is read here, size-limited, and only its text goes back.
      const r = await readLimitedFile(path, TASK_FILE_MAX_BYTES);
      if (!r.ok) throw new VmdeskError('IMPORT_FAILED', `${r.message}; pick a Nomad job file (.nomad, .hcl or .json) of at most ${TASK_FILE_MAX_BYTES} bytes`);
      return { path, name: basename(path), text: r.text };
    },

    async exportJob({ name, format, artifactUrl, save }) {
      const { file, task } = await taskOf(name);
      const job = exportNomadJob(task, artifactUrl ? { artifactUrl } : {});
      const text =
        format === 'hcl'
          ? toHcl(job, `Nomad job for vmdesk VM "${name}" (from ${file}), written by the vmdesk app.`)
          : `${JSON.stringify(toApiJson(job), null, 2)}\n`;
      const result: ExportJobResult = { text, format, notes: job.notes };
      if (save) {
        const target = await ctx.showSaveDialog(`${name}.nomad.${format === 'hcl' ? 'hcl' : 'json'}`);
        if (target) {
          const temp = `${target}.tmp-${process.pid}`;
          await writeFile(temp, text, { mode: 0o644 });
          await rename(temp, target);
        }
        result.savedTo = target;
      }
      return result;
    },

    async submitJob({ name, address, token, namespace, region, artifactUrl, detach }) {
      const { task } = await taskOf(name);
      const saved = ctx.nomadSettings.target();
      const pick = (given: string | undefined, stored: string | undefined) => (given ? given : stored ? stored : undefined);
      // The saved token goes only to the saved address: never to another cluster typed in for one submission.
      const sameAddress = !address || address.replace(/\/+$/, '') === saved.address.replace(/\/+$/, '');
      const flags = {
        address: pick(address, saved.address),
        token: pick(token, sameAddress ? saved.token : undefined),
        namespace: pick(namespace, saved.namespace),
        region: pick(region, saved.region),
      };
      const target = resolveNomadTarget(Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)), ctx.env);
      // Nomad's own errors (NomadRequestError) are VmdeskErrors with code NOMAD_ERROR; the token is never in them.
      return submitTask(task, target, {
        onEvent: (event) => ctx.emit('nomadSubmit', { name, event }),
        ...(artifactUrl ? { artifactUrl } : {}),
        ...(detach ? { detach: true } : {}),
      });
    },

    getNomadSettings: async () => ctx.nomadSettings.view(),

    setNomadSettings: async (request) => {
      if (request.address.trim()) resolveNomadTarget({ address: request.address.trim() }, {}); // same checks as submit
      return ctx.nomadSettings.save(request);
    },
  };
}
