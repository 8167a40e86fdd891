// Stand-in for QEMU writing console output to its chardev log file (for the live-latency figure): appends
// `count` lines, one write() each (O_APPEND, as QEMU's logfile), every `intervalMs`, each carrying the
// monotonic time it was written: "@@LAT <ms>@@\r\n" after some console-like text.
import { closeSync, openSync, writeSync } from 'node:fs';

const [path, countArg, intervalArg] = process.argv.slice(2);
const count = Number(countArg);
const intervalMs = Number(intervalArg);
const fd = openSync(path, 'a', 0o600);
const now = () => Number(process.hrtime.bigint()) / 1e6;
let i = 0;
const tick = () => {
  writeSync(fd, `[ ${String(i).padStart(6)}.000000] vmdesk latency probe ${i} @@LAT ${now()}@@\r\n`);
  if (++i < count) setTimeout(tick, intervalMs);
  else closeSync(fd);
};
tick();
