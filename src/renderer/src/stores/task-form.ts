// The create/edit form: what the user typed, the driver's live verdict on it, and the picked image.
import { create } from 'zustand';
import type { ValidationResult } from '../../../shared/ipc-contract';
import type { ErrorData } from '../../../shared/errors';
import type { ImageInfo } from '../../../shared/plan';
import { parseTask } from '../../../shared/task';
import { call } from '../api';
import { useSettings } from './settings';
import {
  emptyForm,
  fieldErrors,
  fieldToFormField,
  formToTaskFile,
  localFormErrors,
  messageForField,
  newPortRow,
  suggestName,
  taskFileToForm,
  type FormField,
  type PortRow,
  type TaskFileJson,
  type TaskForm,
} from '../lib/task-form';
import { argsNotAllowed, tokenizeArgs } from '../lib/args';
import { wholeNumberErrors } from '../lib/number-fields';

/** Delay after the last keystroke before asking the driver (ms). */
export const VALIDATE_DELAY_MS = 200;
const INSPECT_DELAY_MS = 400;

interface TaskFormState {
  mode: 'create' | 'edit';
  originalName?: string;
  form: TaskForm;
  revision: number;
  loading: boolean;
  loadError?: ErrorData;
  /** The driver's answer and the form revision it was for. */
  validation?: ValidationResult;
  validatedRevision: number;
  image?: ImageInfo;
  imageError?: ErrorData;
  inspecting: boolean;
  saving: boolean;
  saveError?: ErrorData;
  touched: Partial<Record<FormField, true>>;
  showAllErrors: boolean;
  init(mode: 'create' | 'edit', name?: string): Promise<void>;
  update(patch: Partial<TaskForm>): void;
  touch(field: FormField): void;
  addPort(): void;
  updatePort(id: number, patch: Partial<Omit<PortRow, 'id'>>): void;
  removePort(id: number): void;
  browseImage(): Promise<void>;
  /** Asks main to allow the typed image's folder (main asks the user natively), then checks the image again. */
  allowImageFolder(): Promise<void>;
  /** Saves the task; resolves to the saved VM's name, or undefined when it was refused. */
  save(): Promise<string | undefined>;
}

let validateTimer: ReturnType<typeof setTimeout> | undefined;
let inspectTimer: ReturnType<typeof setTimeout> | undefined;

/** The form store. */
export const useTaskForm = create<TaskFormState>((set, get) => {
  const scheduleValidation = () => {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(async () => {
      const revision = get().revision;
      const { mode, originalName } = get();
      // An edited VM is checked in its own folder (where its relative image path resolves at start).
      const vm = mode === 'edit' && originalName ? { name: originalName } : {};
      const r = await call((a) => a.validateTask({ task: formToTaskFile(get().form), ...vm }));
      if (get().revision !== revision) return; // a newer edit is already on its way
      set({ validation: r.ok ? r.value : { ok: false, error: r.error }, validatedRevision: revision });
    }, VALIDATE_DELAY_MS);
  };

  const scheduleInspect = (path: string) => {
    clearTimeout(inspectTimer);
    set({ image: undefined, imageError: undefined, inspecting: false });
    if (path.trim() === '') return;
    set({ inspecting: true });
    inspectTimer = setTimeout(async () => {
      const { mode, originalName } = get();
      const vm = mode === 'edit' && originalName ? { name: originalName } : {};
      const r = await call((a) => a.inspectImage({ path: path.trim(), ...vm }));
      if (get().form.imagePath !== path) return;
      set(r.ok ? { image: r.value, inspecting: false } : { imageError: r.error, inspecting: false });
    }, INSPECT_DELAY_MS);
  };

  const changed = (form: TaskForm, touched?: FormField) => {
    set({
      form,
      revision: get().revision + 1,
      saveError: undefined,
      ...(touched ? { touched: { ...get().touched, [touched]: true } } : {}),
    });
    scheduleValidation();
  };

  return {
    mode: 'create',
    form: emptyForm(),
    revision: 0,
    loading: false,
    validatedRevision: -1,
    inspecting: false,
    saving: false,
    touched: {},
    showAllErrors: false,
    async init(mode, name) {
      clearTimeout(validateTimer);
      clearTimeout(inspectTimer);
      set({
        mode,
        originalName: name,
        form: emptyForm(),
        revision: 0,
        validation: undefined,
        validatedRevision: -1,
        image: undefined,
        imageError: undefined,
        saveError: undefined,
        loadError: undefined,
        touched: {},
        showAllErrors: false,
        loading: mode === 'edit',
      });
      if (mode === 'edit' && name) {
        const r = await call((a) => a.getTask({ name }));
        if (!r.ok) {
          set({ loading: false, loadError: r.error });
          return;
        }
        const form = taskFileToForm(r.value as TaskFileJson);
        set({ form, loading: false, showAllErrors: true });
        scheduleInspect(form.imagePath);
      }
      scheduleValidation();
    },
    update(patch) {
      const form = { ...get().form, ...patch };
      const key = Object.keys(patch)[0] as FormField | undefined;
      changed(form, key);
      if ('imagePath' in patch) scheduleInspect(form.imagePath);
    },
    touch(field) {
      if (!get().touched[field]) set({ touched: { ...get().touched, [field]: true } });
    },
    addPort() {
      changed({ ...get().form, ports: [...get().form.ports, newPortRow()] });
    },
    updatePort(id, patch) {
      const ports = get().form.ports.map((row) => (row.id === id ? { ...row, ...patch } : row));
      changed({ ...get().form, ports }, 'ports');
    },
    removePort(id) {
      changed({ ...get().form, ports: get().form.ports.filter((row) => row.id !== id) }, 'ports');
    },
    async browseImage() {
      const r = await call((a) => a.pickImage());
      if (!r.ok) {
        set({ imageError: r.error });
        return;
      }
      if (r.value === null) return; // cancelled
      // Picking a file outside the allowed folders asks (natively) to allow its folder: show the new settings.
      void useSettings.getState().load();
      const form = get().form;
      const patch: Partial<TaskForm> = { imagePath: r.value };
      if (form.name.trim() === '') patch.name = suggestName(r.value);
      get().update(patch);
      get().touch('imagePath');
    },
    async allowImageFolder() {
      const { mode, originalName, form } = get();
      const vm = mode === 'edit' && originalName ? { name: originalName } : {};
      const r = await call((a) => a.allowImageFolder({ path: form.imagePath.trim(), ...vm }));
      if (!r.ok) {
        set({ imageError: r.error });
        return;
      }
      if (!r.value.allowed) return; // the user said no: the error stays
      await useSettings.getState().load();
      scheduleInspect(form.imagePath);
      changed({ ...get().form });
    },
    async save() {
      set({ saving: true, showAllErrors: true, saveError: undefined });
      const { mode, originalName, form } = get();
      // Editing: always name the VM being edited, so the same name saves in place and another one renames.
      const previousName = mode === 'edit' && originalName ? originalName : undefined;
      const r = await call((a) => a.saveTask({ task: formToTaskFile(form), ...(previousName ? { previousName } : {}) }));
      set({ saving: false });
      if (!r.ok) {
        set({ saveError: r.error });
        return undefined;
      }
      set({ originalName: r.value.name, mode: 'edit' });
      return r.value.name;
    },
  };
});

/** Errors to show, by form field: local checks, the allowlist, and the driver's (or the instant schema's) verdict. */
export function formErrors(state: TaskFormState, argsAllowlist: readonly string[]): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = { ...localFormErrors(state.form), ...fieldErrors(state.form, parseTask), ...wholeNumberErrors(state.form) };
  const notAllowed = argsNotAllowed(tokenizeArgs(state.form.args), argsAllowlist);
  if (notAllowed.length) errors.args = notAllowed.map((t) => `"${t}" is not in args_allowlist`).join('; ');
  const error = verdictError(state);
  if (error) {
    // The driver's verdict wins for its field (it knows the host: paths, allowlists, emulators).
    const field = fieldToFormField(error.field);
    errors[field] = messageForField(error.message, error.field);
  }
  return errors;
}

/** The first error for the current input: the driver's when it answered for this revision, else the schema's. */
export function verdictError(state: Pick<TaskFormState, 'saveError' | 'validation' | 'validatedRevision' | 'revision' | 'form'>): ErrorData | undefined {
  if (state.saveError) return state.saveError;
  if (state.validation && state.validatedRevision === state.revision) {
    return state.validation.ok ? undefined : state.validation.error;
  }
  const instant = parseTask(formToTaskFile(state.form));
  return instant.ok ? undefined : { code: 'INVALID_TASK', message: instant.message, field: instant.field };
}

/** True when an error for `field` should be shown (the user touched it, or tried to save). */
export function shouldShow(state: Pick<TaskFormState, 'touched' | 'showAllErrors'>, field: FormField): boolean {
  if (state.showAllErrors) return true;
  if (field.startsWith('port:')) return Boolean(state.touched.ports);
  if (field.startsWith('artifact:')) return Boolean(state.touched.artifacts);
  return Boolean(state.touched[field]);
}
