// Importing a Nomad job: the job text (picked with the native dialog or pasted), a dry-run preview of the
// qemu tasks it holds with their diagnostics, the tasks chosen, and the import itself (all or nothing).
import { create } from 'zustand';
import type { ImportJobResult } from '../../../shared/ipc-contract';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';
import { reportSuccess } from './notices';
import { useVms } from './vms';

interface ImportState {
  /** The job text to import. */
  text: string;
  /** The picked file's name, when the text came from a file (cleared by editing). */
  fileName?: string;
  /** The last dry run of `text` (what the job holds). */
  preview?: ImportJobResult;
  /** The text the preview is of (a preview of older text is stale). */
  previewedText?: string;
  /** VM names chosen for import. */
  chosen: string[];
  busy: 'picking' | 'checking' | 'importing' | undefined;
  /** The outcome of the last import when it created nothing (its diagnostics say why). */
  failed?: ImportJobResult;
  error?: ErrorData;
  reset(): void;
  setText(text: string): void;
  pickFile(): Promise<void>;
  check(): Promise<void>;
  toggle(name: string): void;
  /** Imports the chosen tasks; resolves to the created VM names (empty when nothing was created). */
  importChosen(): Promise<string[]>;
}

const initial = { text: '', fileName: undefined, preview: undefined, previewedText: undefined, chosen: [], busy: undefined, failed: undefined, error: undefined };

/** The import dialog's store. */
export const useNomadImport = create<ImportState>((set, get) => ({
  ...initial,
  reset() {
    set({ ...initial });
  },
  setText(text) {
    set({ text, fileName: undefined, failed: undefined, error: undefined });
  },
  async pickFile() {
    set({ busy: 'picking', error: undefined });
    const r = await call((a) => a.pickJobFile());
    set({ busy: undefined });
    if (!r.ok) return set({ error: r.error });
    if (!r.value) return; // cancelled
    set({ text: r.value.text, fileName: r.value.name, failed: undefined });
    await get().check();
  },
  async check() {
    const text = get().text;
    if (!text.trim()) return;
    set({ busy: 'checking', error: undefined, failed: undefined });
    const r = await call((a) => a.importJob({ text, dryRun: true }));
    set({ busy: undefined });
    if (!r.ok) return set({ error: r.error, preview: undefined });
    // Every task that can be imported is chosen at first.
    set({ preview: r.value, previewedText: text, chosen: r.value.found.filter((t) => t.valid).map((t) => t.name) });
  },
  toggle(name) {
    const chosen = get().chosen;
    set({ chosen: chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name] });
  },
  async importChosen() {
    const { text, chosen } = get();
    if (chosen.length === 0) return [];
    set({ busy: 'importing', error: undefined, failed: undefined });
    const r = await call((a) => a.importJob({ text, tasks: chosen }));
    set({ busy: undefined });
    if (!r.ok) {
      set({ error: r.error });
      return [];
    }
    if (!r.value.ok) {
      set({ failed: r.value });
      return [];
    }
    await useVms.getState().load();
    reportSuccess(`Imported ${r.value.vms.length} VM${r.value.vms.length === 1 ? '' : 's'}`, r.value.vms.join(', '));
    return r.value.vms;
  },
}));
