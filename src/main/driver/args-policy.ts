// The task's `args` against the operator's args_allowlist. Nomad (validateArgs in drivers/qemu/driver.go)
// checks only tokens that start with "-" and compares them untrimmed, so " -x" slips through and so does a
// positional token, which QEMU opens as a disk image. vmdesk checks every option token after trimming
// (`--x` counts as `-x`) and reports positional tokens.
import { VmdeskError } from '../../shared/errors';
import { QEMU_FILE_OPTIONS, QEMU_FLAG_OPTIONS, normaliseOption } from './qemu-options';
import { argsHostReach, hostReachProblem } from './args-host-reach';
import { loaderProblem } from './args-loaders';

/** The places a task may give QEMU files from: its directory and the operator's image_paths. */
export interface ArgPlaces {
  taskDir: string;
  imagePaths: readonly string[];
  /** The driver config's args_loader_allowlist (args-loaders.ts). */
  loaderAllowlist?: readonly string[];
}

/** One token of `args`, classified. */
export interface ArgToken {
  index: number;
  token: string;
  /** option: `-x`; value: the argument of the option before it; positional: anything else. */
  kind: 'option' | 'value' | 'positional';
  /** For options: the normalised name; for values: the option they belong to. */
  option?: string;
}

/** Splits `args` into options, option values and positional tokens (QEMU 7.2's option table). */
export function classifyArgs(args: readonly string[]): ArgToken[] {
  const out: ArgToken[] = [];
  let pending: string | undefined;
  args.forEach((token, index) => {
    if (pending !== undefined) {
      out.push({ index, token, kind: 'value', option: pending });
      pending = undefined;
      return;
    }
    if (token.trim().startsWith('-') && token.trim() !== '-') {
      const option = normaliseOption(token);
      out.push({ index, token, kind: 'option', option });
      if (!QEMU_FLAG_OPTIONS.has(option)) pending = option;
      return;
    }
    out.push({ index, token, kind: 'positional' });
  });
  return out;
}

const PATH_LIKE = /(^|[=:,])(\/|~\/|\.\.?\/)/;

/**
 * Checks `args` against the allowlist; returns warnings. Throws ARG_NOT_ALLOWED with Nomad's phrase
 * (`"-x" is not in args_allowlist`) for an option that is not allowed, and for a positional token when an
 * allowlist is set (QEMU would open it as a disk image). With an empty allowlist everything is allowed, as
 * in Nomad, and the warnings name tokens that give QEMU host files or run host commands. With `places` and a
 * non-empty allowlist, an allowed option's value may reach host files only inside the task's directory or
 * image_paths, and never a host command (args-host-reach.ts).
 */
export function checkArgs(args: readonly string[], allowlist: readonly string[], places?: ArgPlaces): string[] {
  const tokens = classifyArgs(args);
  const warnings: string[] = supervisionProblems(tokens);
  if (allowlist.length > 0) {
    const allowed = new Set(allowlist.map(normaliseOption));
    for (const t of tokens) {
      // Every token that looks like an option is checked, values included: that is at least as strict as
      // Nomad, and a wrong entry in vmdesk's option table can never let an option through.
      const looksLikeOption = t.token.trim().startsWith('-') && t.token.trim() !== '-';
      if (looksLikeOption && !allowed.has(normaliseOption(t.token))) {
        throw new VmdeskError('ARG_NOT_ALLOWED', `${JSON.stringify(t.token)} is not in args_allowlist`, `config.args.${t.index}`);
      }
      if (t.kind === 'option' && t.token !== t.token.trim()) {
        throw new VmdeskError(
          'ARG_NOT_ALLOWED',
          `${JSON.stringify(t.token)}: remove the white space around the option; QEMU would read it as a disk image file name`,
          `config.args.${t.index}`,
        );
      }
      if (t.kind === 'positional') {
        throw new VmdeskError(
          'ARG_NOT_ALLOWED',
          `${JSON.stringify(t.token)} is a positional argument (QEMU opens it as a disk image); it is not allowed with an args_allowlist`,
          `config.args.${t.index}`,
        );
      }
    }
    if (places) {
      for (const r of argsHostReach(tokens)) {
        const problem = hostReachProblem(r, places.taskDir, places.imagePaths);
        if (problem) throw new VmdeskError('ARG_NOT_ALLOWED', problem, `config.args.${r.index}`);
      }
    }
    for (const t of tokens) {
      const problem = t.kind === 'option' ? loaderProblem(t.option!, places?.loaderAllowlist ?? []) : undefined;
      if (problem) throw new VmdeskError('ARG_NOT_ALLOWED', problem, `config.args.${t.index}`);
    }
    return warnings;
  }
  for (const r of argsHostReach(tokens)) {
    if (r.kind === 'command') {
      warnings.push(`args: "${r.option} ${r.value}" runs a host command; args_allowlist is empty, so every argument is allowed (Nomad's semantics) — set args_allowlist to refuse it`);
    }
  }
  for (const t of tokens) {
    if (t.kind === 'positional') {
      warnings.push(`args: ${JSON.stringify(t.token)} is a positional argument; QEMU opens it as a disk image (host file)`);
    } else if (t.kind === 'value' && (QEMU_FILE_OPTIONS.has(t.option!) && PATH_LIKE.test(t.token) || /^(\/|~\/|\.\.?\/)/.test(t.token))) {
      warnings.push(`args: "${t.option} ${t.token}" gives QEMU a host file; args_allowlist is empty, so the task may use any option (Nomad's semantics) — set args_allowlist to confine args to the allowed places`);
    } else if (t.kind === 'option' && t.token !== t.token.trim()) {
      warnings.push(`args: ${JSON.stringify(t.token)} has white space around it; QEMU reads it as a disk image file name, not an option`);
    }
  }
  return warnings;
}

const MONITOR_OPTIONS = new Set(['-monitor', '-qmp', '-qmp-pretty', '-mon']);

/**
 * Options that fight the supervisor, whatever the allowlist says: -daemonize is refused (QEMU would fork
 * away and vmdesk would see its process exit while the VM runs on, unsupervised: Nomad loses such VMs);
 * extra monitors and -S are warned about. Returns the warnings.
 */
function supervisionProblems(tokens: readonly ArgToken[]): string[] {
  const warnings: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.option === '-daemonize') {
      throw new VmdeskError('ARG_NOT_ALLOWED', '"-daemonize" cannot be used: vmdesk supervises the QEMU process itself', `config.args.${t.index}`);
    }
    if (MONITOR_OPTIONS.has(t.option!)) {
      warnings.push(`args: "${t.token.trim()}" adds another QEMU monitor; whoever reaches it controls the VM (vmdesk's own QMP socket is private)`);
    }
    if (t.option === '-S') warnings.push('args: "-S" starts the VM paused; it runs only after a QMP "cont"');
  }
  const muxed = tokens.find((t) => t.kind === 'value' && /(^|,)mon:|(^|,)mux=on/.test(t.token));
  if (muxed) warnings.push(`args: "${muxed.option} ${muxed.token}" multiplexes a monitor onto a character device`);
  return warnings;
}
