// `npm test`: build everything (app bundles, CLI), build the test guest, then run every test with vitest.
// Ends with vitest's summary line `N passed, N failed, N skipped` (test/helpers/summary-reporter.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

if (run('npm', ['run', '--silent', 'build']) !== 0) {
  process.stdout.write('\nbuild failed\n0 passed, 1 failed\n');
  process.exit(1);
}
if (existsSync('test/guest/build-guest.mjs') && run('node', ['test/guest/build-guest.mjs']) !== 0) {
  process.stdout.write('\ntest guest build failed\n0 passed, 1 failed\n');
  process.exit(1);
}
// The cloud guest (Debian with cloud-init and OpenSSH, test/integration/cloud-init-ssh.test.ts): 3 to 15
// minutes the first time, then cached in ~/.cache/vmdesk/cloud-guest/<key of its inputs>.
if (existsSync('test/guest/build-cloud-guest.mjs') && run('node', ['test/guest/build-cloud-guest.mjs']) !== 0) {
  process.stdout.write('\ncloud guest build failed\n0 passed, 1 failed\n');
  process.exit(1);
}
process.exit(run('npx', ['vitest', 'run', ...process.argv.slice(2)]));
