// Which URLs the app opens in the system browser: only http:// to a host port a VM of ours forwards, on the
// address it binds. Everything else a renderer asks to open is refused (Electron security checklist, item 14:
// "Do not use shell.openExternal with untrusted content").
import type { PortForward } from '../../shared/plan';
import type { VmInfo } from '../../shared/vm';

/** The address a browser should use for a forward (a wildcard bind is reached on loopback). */
export function browsableHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '') return '127.0.0.1';
  if (bind === '::') return '[::1]';
  return bind.includes(':') ? `[${bind}]` : bind;
}

/** The URL of a forwarded port (`http://127.0.0.1:8080/`), or undefined while its host port is not known. */
export function forwardedPortUrl(port: PortForward): string | undefined {
  if (!port.protocols.includes('tcp') || port.host <= 0 || port.host > 65535) return undefined;
  return `http://${browsableHost(port.bind)}:${port.host}/`;
}

/** True when `url` is http:// to a TCP port one of these running VMs forwards, on its bind address. */
export function isForwardedPortUrl(url: string, vms: readonly VmInfo[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' || u.username !== '' || u.password !== '') return false;
  return vms.some(
    (vm) =>
      vm.state === 'running' &&
      vm.ports.some((p) => {
        const expected = forwardedPortUrl(p);
        if (!expected) return false;
        const e = new URL(expected);
        return e.hostname === u.hostname && e.port === u.port;
      }),
  );
}
