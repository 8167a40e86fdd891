// The create/edit form's state, and the pure conversions between it and a task file.
import { MEMORY_DEFAULT_MIB } from '../../../shared/limits';
import { joinArgs, tokenizeArgs } from './args';
import { emptyHardware, hardwareField, hardwareFromConfig, hardwareToConfig, type HardwareConfigJson, type HardwareForm } from './hardware-form';

/** One row of the port map editor. `host` empty means "pick a free port". */
export interface PortRow {
  id: number;
  label: string;
  guest: string;
  host: string;
}

/** One row of the artifacts editor (Nomad's artifact block). Headers are kept as loaded (the form does not edit them). */
export interface ArtifactRow {
  id: number;
  source: string;
  checksum: string;
  destination: string;
  mode: 'any' | 'file' | 'dir';
  archive: boolean;
  headers: Record<string, string>;
}

/** Everything the form edits, as the user typed it (strings for numbers, so partial input is kept). Hardware: hardware-form.ts. */
export interface TaskForm extends HardwareForm {
  name: string;
  imagePath: string;
  emulator: string;
  machineType: string;
  accelerator: string;
  driveInterface: string;
  memory: string;
  cores: string;
  ports: PortRow[];
  /** Images fetched into the VM's folder before it starts. */
  artifacts: ArtifactRow[];
  dnsServers: string;
  dnsSearches: string;
  gracefulShutdown: boolean;
  killTimeout: string;
  guestAgent: boolean;
  args: string;
  disposable: boolean;
  /** `display: "vnc"`: a screen (VGA + VNC on a private socket) for the Display tab. */
  displayVnc: boolean;
  /** `vmdesk test`'s checks, kept as loaded (the form does not edit them, and saving must not drop them). */
  checks?: unknown[];
  /** config.cloud_init as loaded; the Cloud-init section edits some of its keys (cloud-init-form.ts), the rest is kept. */
  cloudInit?: unknown;
}

/**
 * A task file as JSON (what the form writes and what `getTask` returns), loosely typed: values may be
 * numbers or the strings Nomad's HCL coercions accept. The driver's schema is the judge.
 */
export interface TaskFileJson {
  name?: string;
  config?: {
    image_path?: string;
    emulator?: string;
    machine_type?: string;
    accelerator?: string;
    drive_interface?: string;
    graceful_shutdown?: boolean | string;
    guest_agent?: boolean | string;
    args?: string[];
    port_map?: Record<string, number | string> | Array<Record<string, number | string>>;
    cloud_init?: unknown;
  } & HardwareConfigJson;
  resources?: { memory?: number | string; cores?: number | string };
  ports?: Record<string, number | string>;
  dns?: { servers?: string[]; searches?: string[] };
  kill_timeout?: string | number;
  disposable?: boolean | string;
  display?: string;
  artifacts?: Array<{
    source?: string;
    destination?: string;
    mode?: string;
    options?: { checksum?: string; archive?: boolean | string };
    headers?: Record<string, string>;
  }>;
  checks?: unknown[];
}

/** A form field an error can be shown next to; `port:<label>` is a port map row. */
export type FormField = Exclude<keyof TaskForm, 'ports'> | 'ports' | `port:${string}` | `drive:${number}` | `artifact:${number}` | 'form';

let nextRowId = 1;
/** A fresh port row with a unique id. */
export function newPortRow(label = '', guest = '', host = ''): PortRow {
  return { id: nextRowId++, label, guest, host };
}

/** A fresh artifact row (Nomad's defaults: destination local/, mode any, archives unpacked). */
export function newArtifactRow(patch: Partial<Omit<ArtifactRow, 'id'>> = {}): ArtifactRow {
  return { id: nextRowId++, source: '', checksum: '', destination: 'local/', mode: 'any', archive: true, headers: {}, ...patch };
}

/** The task file's artifacts for the form's rows (empty rows left out). Pure. */
export function artifactsToFile(rows: ArtifactRow[]): NonNullable<TaskFileJson['artifacts']> {
  return rows
    .filter((r) => r.source.trim() !== '' || r.checksum.trim() !== '')
    .map((r) => {
      const options = { ...(r.checksum.trim() ? { checksum: r.checksum.trim() } : {}), ...(r.archive ? {} : { archive: false }) };
      return {
        source: r.source.trim(),
        ...(r.destination.trim() ? { destination: r.destination.trim() } : {}),
        ...(r.mode !== 'any' ? { mode: r.mode } : {}),
        ...(Object.keys(options).length ? { options } : {}),
        ...(Object.keys(r.headers).length ? { headers: { ...r.headers } } : {}),
      };
    });
}

/** The form's rows for a task file's artifacts. Pure. */
export function artifactsFromFile(list: TaskFileJson['artifacts']): ArtifactRow[] {
  return (Array.isArray(list) ? list : []).map((a) =>
    newArtifactRow({
      source: str(a?.source),
      checksum: str(a?.options?.checksum),
      destination: str(a?.destination, 'local/'),
      mode: a?.mode === 'file' || a?.mode === 'dir' ? a.mode : 'any',
      archive: a?.options?.archive !== false && a?.options?.archive !== 'false',
      headers: a?.headers && typeof a.headers === 'object' ? { ...a.headers } : {},
    }),
  );
}

/** The form for a new VM. */
export function emptyForm(): TaskForm {
  return {
    name: '',
    imagePath: '',
    emulator: 'x86_64',
    machineType: 'pc',
    accelerator: 'tcg',
    driveInterface: 'ide',
    memory: String(MEMORY_DEFAULT_MIB),
    cores: '1',
    ports: [],
    artifacts: [],
    dnsServers: '',
    dnsSearches: '',
    gracefulShutdown: true,
    killTimeout: '30s',
    guestAgent: false,
    args: '',
    disposable: false,
    displayVnc: false,
    ...emptyHardware(),
  };
}

const listOf = (text: string) => text.split(/[\s,]+/).filter((s) => s !== '');
const numberOrText = (text: string): number | string => (/^\s*\d{1,15}\s*$/.test(text) ? Number(text) : text.trim());

/** The task file the form describes (not yet validated: the driver decides). */
export function formToTaskFile(form: TaskForm): TaskFileJson {
  const portMap: Record<string, number | string> = {};
  const ports: Record<string, number | string> = {};
  for (const row of form.ports) {
    if (row.label === '' && row.guest === '' && row.host === '') continue;
    portMap[row.label.trim()] = numberOrText(row.guest);
    ports[row.label.trim()] = row.host.trim() === '' ? 0 : numberOrText(row.host);
  }
  const args = tokenizeArgs(form.args);
  const servers = listOf(form.dnsServers);
  const searches = listOf(form.dnsSearches);
  const file: TaskFileJson = {
    name: form.name.trim(),
    config: {
      image_path: form.imagePath.trim(),
      emulator: form.emulator.trim(),
      machine_type: form.machineType.trim(),
      accelerator: form.accelerator.trim(),
      drive_interface: form.driveInterface.trim(),
      graceful_shutdown: form.gracefulShutdown,
      guest_agent: form.guestAgent,
      ...(args.length ? { args } : {}),
      ...(Object.keys(portMap).length ? { port_map: portMap } : {}),
      ...hardwareToConfig(form),
      ...(form.cloudInit !== undefined ? { cloud_init: structuredClone(form.cloudInit) } : {}),
    },
    resources: {
      ...(form.memory.trim() ? { memory: numberOrText(form.memory) } : {}),
      ...(form.cores.trim() ? { cores: numberOrText(form.cores) } : {}),
    },
    ...(Object.keys(ports).length ? { ports } : {}),
    ...(servers.length || searches.length
      ? { dns: { ...(servers.length ? { servers } : {}), ...(searches.length ? { searches } : {}) } }
      : {}),
    ...(form.killTimeout.trim() ? { kill_timeout: form.killTimeout.trim() } : {}),
    disposable: form.disposable,
    ...(form.displayVnc ? { display: 'vnc' } : {}),
  };
  const artifacts = artifactsToFile(form.artifacts);
  if (artifacts.length) file.artifacts = artifacts;
  if (form.checks) file.checks = structuredClone(form.checks);
  return file;
}

const str = (v: unknown, fallback = ''): string => (v === undefined || v === null ? fallback : String(v));

/** The form showing a saved task file (for editing). */
export function taskFileToForm(file: TaskFileJson): TaskForm {
  const base = emptyForm();
  const c = file.config ?? {};
  const rawMap = (c as { port_map?: unknown }).port_map;
  const portMap: Record<string, unknown> = Array.isArray(rawMap)
    ? Object.assign({}, ...rawMap)
    : ((rawMap as Record<string, unknown> | undefined) ?? {});
  const hostPorts = (file.ports ?? {}) as Record<string, unknown>;
  const labels = [...new Set([...Object.keys(portMap), ...Object.keys(hostPorts)])];
  const kill = file.kill_timeout;
  return {
    name: file.name ?? '',
    imagePath: str(c.image_path),
    emulator: str(c.emulator, base.emulator),
    machineType: str(c.machine_type, base.machineType),
    accelerator: str(c.accelerator, base.accelerator),
    driveInterface: str(c.drive_interface, base.driveInterface),
    memory: str(file.resources?.memory, base.memory),
    cores: str(file.resources?.cores, base.cores),
    ports: labels.map((label) => {
      const host = hostPorts[label];
      return newPortRow(label, str(portMap[label]), host === undefined || Number(host) === 0 ? '' : str(host));
    }),
    artifacts: artifactsFromFile(file.artifacts),
    dnsServers: (file.dns?.servers ?? []).join(', '),
    dnsSearches: (file.dns?.searches ?? []).join(', '),
    gracefulShutdown: c.graceful_shutdown === undefined ? false : c.graceful_shutdown === true || c.graceful_shutdown === 'true',
    killTimeout: typeof kill === 'number' ? `${kill}s` : str(kill, '5s'),
    guestAgent: c.guest_agent === true || c.guest_agent === 'true',
    args: joinArgs((c.args ?? []) as string[]),
    disposable: file.disposable === true || file.disposable === 'true',
    displayVnc: file.display === 'vnc',
    ...hardwareFromConfig(c),
    ...(Array.isArray(file.checks) ? { checks: structuredClone(file.checks) } : {}),
    ...(c.cloud_init !== undefined ? { cloudInit: structuredClone(c.cloud_init) } : {}),
  };
}

const FIELD_MAP: Array<[RegExp, FormField]> = [
  [/^name$/, 'name'],
  [/^config\.image_path$/, 'imagePath'],
  [/^config\.emulator$/, 'emulator'],
  [/^config\.machine_type$/, 'machineType'],
  [/^config\.accelerator$/, 'accelerator'],
  [/^config\.drive_interface$/, 'driveInterface'],
  [/^config\.graceful_shutdown$/, 'gracefulShutdown'],
  [/^config\.guest_agent$/, 'guestAgent'],
  [/^config\.args(\..*)?$/, 'args'],
  [/^resources\.memory$/, 'memory'],
  [/^resources\.cores$/, 'cores'],
  [/^dns\.servers(\..*)?$/, 'dnsServers'],
  [/^dns\.searches(\..*)?$/, 'dnsSearches'],
  [/^kill_timeout$/, 'killTimeout'],
  [/^disposable$/, 'disposable'],
  [/^display$/, 'displayVnc'],
  [/^config\.cloud_init(\..*)?$/, 'cloudInit'],
  [/^(config\.port_map|ports)$/, 'ports'],
];

/** The form field an error's dotted `field` belongs to ('form' when it belongs to none). */
export function fieldToFormField(field: string | undefined): FormField {
  if (!field) return 'form';
  const port = /^(?:config\.port_map|ports)\.(.*)$/.exec(field);
  if (port) return `port:${port[1]}`;
  const artifact = /^artifacts\.(\d+)(\.|$)/.exec(field);
  if (artifact) return `artifact:${Number(artifact[1])}`;
  const hardware = hardwareField(field);
  if (hardware) return hardware;
  for (const [re, key] of FIELD_MAP) if (re.test(field)) return key;
  return 'form';
}

/** The message without a leading "<field>: " (the form shows it next to the field already). */
export function messageForField(message: string, field: string | undefined): string {
  if (field && message.startsWith(`${field}: `)) return message.slice(field.length + 2);
  return message;
}

/** A VM name suggested by an image file name ("/x/Web Server.qcow2" -> "web-server"). */
export function suggestName(imagePath: string): string {
  const base = imagePath.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.(qcow2|img|raw|iso|vmdk|vdi|vhdx?)$/i, '');
  const name = stem
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return name;
}

/** Checks the form can make on its own, before the driver answers: duplicate port labels. */
export function localFormErrors(form: TaskForm): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  const seen = new Set<string>();
  for (const row of form.ports) {
    const label = row.label.trim();
    if (label === '') continue;
    if (seen.has(label)) errors[`port:${label}`] = `the label "${label}" is used twice; each port needs its own label`;
    seen.add(label);
  }
  return errors;
}

/** A form that parses cleanly: the background against which one field is checked on its own. */
function validBackground(): TaskForm {
  return { ...emptyForm(), name: 'vm', imagePath: 'disk.img', killTimeout: '5s' };
}

/** Which form keys each checkable field group copies from the user's form. */
const FIELD_GROUPS: Array<Array<keyof TaskForm>> = [
  ['name'],
  ['emulator'],
  ['machineType'],
  ['accelerator'],
  ['driveInterface'],
  ['memory'],
  ['cores'],
  ['ports'],
  ['artifacts'],
  ['dnsServers'],
  ['dnsSearches'],
  ['killTimeout'],
];

/**
 * Each field's own schema error, found by parsing the user's value for that field alone against an
 * otherwise valid task (`parse` is the shared task parser). The driver reports only its first error;
 * this lets the form show an error next to every field the user got wrong, as they type.
 */
export function fieldErrors(
  form: TaskForm,
  parse: (task: unknown) => { ok: true } | { ok: false; field: string; message: string },
): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  for (const group of FIELD_GROUPS) {
    const probe = { ...validBackground() } as Record<keyof TaskForm, unknown>;
    for (const key of group) probe[key] = form[key];
    const r = parse(formToTaskFile(probe as unknown as TaskForm));
    if (r.ok) continue;
    const field = fieldToFormField(r.field);
    errors[field] ??= messageForField(r.message, r.field);
  }
  return errors;
}
