// Exit observer for the stop figures, run as its own process: watches /proc/<pid>/stat every 0.5 ms and,
// when the process is gone or a zombie (it has exited; its parent may not have reaped it yet), prints
// "exit <ms>" on the monotonic clock (process.hrtime: the same clock in every process). Prints "ready"
// once watching. A separate process so that the event loop of what is measured does not delay it.
import { readFileSync } from 'node:fs';

const pid = Number(process.argv[2]);
const nap = new Int32Array(new SharedArrayBuffer(4));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const deadline = now() + Number(process.argv[3] ?? 120_000);

function exited() {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

process.stdout.write('ready\n');
for (;;) {
  if (exited()) {
    process.stdout.write(`exit ${now()}\n`);
    break;
  }
  if (now() > deadline) {
    process.stdout.write('timeout\n');
    break;
  }
  Atomics.wait(nap, 0, 0, 0.5);
}
