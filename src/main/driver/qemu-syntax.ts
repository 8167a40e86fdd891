// How values reach QEMU's option syntax safely. QEMU's QemuOpts syntax ("key=value,key=value") ends a
// value at a single ",", and ",," is a literal comma (docs/system/invocation: "to include a comma in a
// value, double it"). Every value vmdesk puts into comma syntax goes through optValue(); options that accept
// JSON (-netdev, -device, -object, -blockdev since QEMU 6.0/7.0) get JSON instead, which has no such trap.

/** A value escaped for QemuOpts comma syntax: every "," doubled. */
export function optValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** Joins key/value pairs into one QemuOpts string, escaping every value (keys are vmdesk's own constants). */
export function qemuOpts(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${optValue(v)}`).join(',');
}

/** JSON option syntax (QEMU reads an argument that starts with "{" as JSON for -netdev/-device). */
export function jsonOpt(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}
