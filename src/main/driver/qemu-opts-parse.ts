// QEMU's "key=value,key=value" option syntax, read the way QEMU reads it (util/qemu-option.c,
// get_opt_name_value and get_opt_value; util/keyval.c has the same shape). A name ends at the first "=" or
// ","; a value ends at a single "," and ",," in a value is a literal comma. An item without "=" is the
// option's implied key (the first item only: "-netdev user" means type=user, "-chardev socket" backend=socket)
// or else a flag ("server" means server=on, "nowait" wait=off). Deciding "implied or key=value" on the raw
// text, before unescaping, matters: "a,,b=c" as a first item is the implied value "a,b=c", not key "a,b".
import { optValue } from './qemu-syntax';

/** One item of a QemuOpts string. */
export interface OptItem {
  /** The key (the implied key's name for an implied item; the flag's name without "no" for a flag). */
  key: string;
  value: string;
  /** How it was written: key=value, the implied first value, or a bare flag (`raw` is the name written). */
  form: 'pair' | 'implied' | 'flag';
  raw?: string;
}

/** Reads a value from `s` at `p` up to a single ","; returns the value and the index of that "," (or the end). */
function optValueAt(s: string, p: number): [string, number] {
  let out = '';
  for (; p < s.length; p++) {
    if (s[p] === ',') {
      if (s[p + 1] !== ',') break;
      p++;
    }
    out += s[p];
  }
  return [out, p];
}

/** Parses a QemuOpts / keyval string into its items, in order. `implied` names the first item's implied key. */
export function parseQemuOpts(s: string, implied?: string): OptItem[] {
  const items: OptItem[] = [];
  let p = 0;
  let first = true;
  while (p < s.length) {
    let len = 0;
    while (p + len < s.length && s[p + len] !== '=' && s[p + len] !== ',') len++;
    if (s[p + len] !== '=') {
      if (first && implied !== undefined) {
        const [value, end] = optValueAt(s, p);
        items.push({ key: implied, value, form: 'implied' });
        p = end;
      } else {
        const name = s.slice(p, p + len);
        const off = name.startsWith('no') && name.length > 2;
        items.push({ key: off ? name.slice(2) : name, value: off ? 'off' : 'on', form: 'flag', raw: name });
        p += len;
      }
    } else {
      const key = s.slice(p, p + len);
      const [value, end] = optValueAt(s, p + len + 1);
      items.push({ key, value, form: 'pair' });
      p = end;
    }
    if (p < s.length) p++; // the separating ","
    first = false;
  }
  return items;
}

/** Writes items back in QemuOpts syntax (values escaped), so that QEMU reads the same items. */
export function formatQemuOpts(items: readonly OptItem[]): string {
  return items
    .map((it) => (it.form === 'flag' ? it.raw ?? it.key : it.form === 'implied' ? optValue(it.value) : `${it.key}=${optValue(it.value)}`))
    .join(',');
}

/** True when a flag or pair says the boolean key is on (QEMU's on/yes/true, and a bare flag). */
export function isOn(items: readonly OptItem[], key: string): boolean {
  const it = [...items].reverse().find((i) => i.key === key);
  return it !== undefined && ['on', 'yes', 'true', 'y'].includes(it.value);
}
