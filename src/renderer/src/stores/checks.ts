// The Checks tab of one VM: the checks being edited (form rows or JSON text), their problems as the user types
// (the shared zod schema, lib/checks-form.ts), Save into the task file, Run tests / Stop, the live run pushed by
// main (`checksProgress`) and the last runs.
import { create } from 'zustand';
import type { ErrorData } from '../../../shared/errors';
import type { CheckKind } from '../../../shared/checks';
import { applyLiveEvent, type ChecksLiveEvent, type ChecksOverview, type LiveTestRun } from '../../../shared/checks-live';
import { call } from '../api';
import { checksIssues, checksToJson, checkToRow, newCheckRow, parseChecksJson, rowToCheck, type CheckRow, type ChecksIssue } from '../lib/checks-form';

interface ChecksState {
  name?: string;
  /** The saved task file as loaded (the checks are saved back into it). */
  task?: Record<string, unknown>;
  portMap: Record<string, number>;
  mode: 'form' | 'json';
  rows: CheckRow[];
  json: string;
  /** A syntax error of the JSON text (then `issues` is empty). */
  jsonError?: string;
  issues: ChecksIssue[];
  dirty: boolean;
  loadError?: ErrorData;
  saving: boolean;
  saveError?: ErrorData;
  overview?: ChecksOverview;
  live?: LiveTestRun;
  runError?: ErrorData;
  starting: boolean;
  /** The last run opened in "Last runs". */
  openRun?: string;
  load(name: string): Promise<void>;
  setMode(mode: 'form' | 'json'): void;
  addRow(kind?: CheckKind): void;
  updateRow(id: number, patch: Partial<Omit<CheckRow, 'id'>>): void;
  removeRow(id: number): void;
  setJson(text: string): void;
  save(): Promise<boolean>;
  run(): Promise<void>;
  stop(): Promise<void>;
  refresh(): Promise<void>;
  toggleRun(id: string): void;
  onEvent(name: string, event: ChecksLiveEvent): void;
}

/** The checks being edited, as a list (undefined while the JSON text does not parse). */
export function currentChecks(s: Pick<ChecksState, 'mode' | 'rows' | 'json'>): unknown[] | undefined {
  if (s.mode === 'form') return s.rows.map(rowToCheck);
  const p = parseChecksJson(s.json);
  return p.ok ? p.checks : undefined;
}

const portMapOf = (task: Record<string, unknown>): Record<string, number> => {
  const pm = (task.config as { port_map?: unknown } | undefined)?.port_map;
  return pm && typeof pm === 'object' ? (pm as Record<string, number>) : {};
};

/** The Checks store (one VM at a time: the tab shown). */
export const useChecks = create<ChecksState>((set, get) => {
  const revalidate = (patch: Partial<ChecksState>) => {
    const next = { ...get(), ...patch };
    const parsed = next.mode === 'json' ? parseChecksJson(next.json) : undefined;
    const checks = currentChecks(next);
    set({
      ...patch,
      dirty: true,
      jsonError: parsed && !parsed.ok ? parsed.message : undefined,
      issues: checks ? checksIssues(checks, next.portMap) : [],
    });
  };

  return {
    portMap: {},
    mode: 'form',
    rows: [],
    json: '[]\n',
    issues: [],
    dirty: false,
    saving: false,
    starting: false,

    async load(name) {
      const keepLive = get().name === name ? get().live : undefined;
      set({ name, task: undefined, loadError: undefined, saveError: undefined, runError: undefined, dirty: false, live: keepLive, overview: undefined });
      const r = await call((a) => a.getTask({ name }));
      if (get().name !== name) return;
      if (!r.ok) return set({ loadError: r.error });
      const task = r.value as unknown as Record<string, unknown>;
      const checks = Array.isArray(task.checks) ? (task.checks as unknown[]) : [];
      const portMap = portMapOf(task);
      set({ task, portMap, rows: checks.map(checkToRow), json: checksToJson(checks), jsonError: undefined, issues: checksIssues(checks, portMap) });
      await get().refresh();
    },

    setMode(mode) {
      const s = get();
      if (mode === s.mode) return;
      if (mode === 'json') return set({ mode, json: checksToJson(s.rows.map(rowToCheck)), jsonError: undefined });
      const p = parseChecksJson(s.json);
      if (!p.ok) return set({ jsonError: `${p.message}; fix it before switching to the form` });
      set({ mode, rows: p.checks.map(checkToRow) });
    },

    addRow(kind = 'console') {
      const rows = get().rows;
      revalidate({ rows: [...rows, newCheckRow(kind, { name: `check ${rows.length + 1}`, port: Object.keys(get().portMap)[0] ?? '' })] });
    },
    updateRow(id, patch) {
      revalidate({ rows: get().rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
    },
    removeRow(id) {
      revalidate({ rows: get().rows.filter((r) => r.id !== id) });
    },
    setJson(text) {
      revalidate({ json: text });
    },

    async save() {
      const s = get();
      const checks = currentChecks(s);
      if (!s.name || !s.task || !checks || s.issues.length > 0) return false;
      const task = { ...s.task };
      if (checks.length > 0) task.checks = checks;
      else delete task.checks;
      set({ saving: true, saveError: undefined });
      const r = await call((a) => a.saveTask({ task, previousName: s.name }));
      if (!r.ok) {
        set({ saving: false, saveError: r.error });
        return false;
      }
      set({ saving: false, task, dirty: false });
      await get().refresh();
      return true;
    },

    async run() {
      const s = get();
      if (!s.name) return;
      if (s.dirty && !(await get().save())) return;
      set({ starting: true, runError: undefined });
      const name = s.name;
      const r = await call((a) => a.runChecks({ name }));
      set({ starting: false, ...(r.ok ? {} : { runError: r.error }) });
    },

    async stop() {
      const name = get().name;
      if (!name) return;
      const r = await call((a) => a.stopChecks({ name }));
      if (!r.ok) set({ runError: r.error });
    },

    async refresh() {
      const name = get().name;
      if (!name) return;
      const r = await call((a) => a.checksOverview({ name }));
      if (get().name !== name) return;
      if (!r.ok) return set({ loadError: r.error });
      // The live run main holds wins over ours only when we have none (a tab opened during a run).
      set({ overview: r.value, live: get().live ?? r.value.active ?? undefined });
    },

    toggleRun(id) {
      set({ openRun: get().openRun === id ? undefined : id });
    },

    onEvent(name, event) {
      if (name !== get().name) return;
      set({ live: applyLiveEvent(get().live, event) });
      if (event.kind === 'finished') {
        void get().refresh().then(() => {
          const newest = get().overview?.runs[0];
          if (newest) set({ openRun: newest.id });
        });
      }
    },
  };
});
