// Exporting a VM as a Nomad job and submitting it to a cluster: the saved Nomad target (never the token),
// the submission's progress events as they arrive, and how it ended.
import { create } from 'zustand';
import type { NomadSubmitEvent, NomadSubmitResult } from '../../../shared/ipc-contract';
import type { NomadSettingsView } from '../../../shared/nomad-settings';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';

/** What the submit form holds. */
export interface SubmitForm {
  address: string;
  namespace: string;
  region: string;
  /** A token typed in for this submission (empty: the saved one, or NOMAD_TOKEN). */
  token: string;
  rememberToken: boolean;
  artifactUrl: string;
}

interface SubmitState {
  saved?: NomadSettingsView;
  /** The VM being submitted, its progress and outcome. */
  name?: string;
  events: NomadSubmitEvent[];
  running: boolean;
  result?: NomadSubmitResult;
  error?: ErrorData;
  loadSaved(): Promise<void>;
  forgetToken(): Promise<void>;
  submit(name: string, form: SubmitForm): Promise<void>;
  onEvent(name: string, event: NomadSubmitEvent): void;
}

/** The submit store. */
export const useNomadSubmit = create<SubmitState>((set, get) => ({
  events: [],
  running: false,
  async loadSaved() {
    const r = await call((a) => a.getNomadSettings());
    if (r.ok) set({ saved: r.value });
  },
  async forgetToken() {
    const s = get().saved;
    const r = await call((a) => a.setNomadSettings({ address: s?.address ?? '', namespace: s?.namespace ?? '', region: s?.region ?? '', forgetToken: true }));
    if (r.ok) set({ saved: r.value });
    else set({ error: r.error });
  },
  async submit(name, form) {
    set({ name, events: [], running: true, result: undefined, error: undefined });
    // The target is remembered for next time; the token only when asked, and only sealed by the OS keyring.
    const saved = await call((a) =>
      a.setNomadSettings({
        address: form.address.trim(),
        namespace: form.namespace.trim(),
        region: form.region.trim(),
        ...(form.rememberToken && form.token ? { token: form.token } : {}),
      }),
    );
    if (!saved.ok) return set({ running: false, error: saved.error });
    set({ saved: saved.value });
    const r = await call((a) =>
      a.submitJob({
        name,
        ...(form.address.trim() ? { address: form.address.trim() } : {}),
        ...(form.namespace.trim() ? { namespace: form.namespace.trim() } : {}),
        ...(form.region.trim() ? { region: form.region.trim() } : {}),
        ...(form.token ? { token: form.token } : {}),
        ...(form.artifactUrl.trim() ? { artifactUrl: form.artifactUrl.trim() } : {}),
      }),
    );
    set({ running: false, ...(r.ok ? { result: r.value } : { error: r.error }) });
  },
  onEvent(name, event) {
    // Events may arrive just after the submission's answer: keep them until the next submission starts.
    if (get().name === name) set({ events: [...get().events, event] });
  },
}));
