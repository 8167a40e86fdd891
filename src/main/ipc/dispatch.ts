// One IPC call from gate to result: check the sender, parse the request, run the handler, and turn every
// outcome into an IpcResult. Errors never cross IPC as exceptions (they would lose their code).
import type { IpcResult, InvokeInput, InvokeName, InvokeResult } from '../../shared/ipc-contract';
import { toErrorData } from '../../shared/errors';
import { checkSender, type SenderFacts, type TrustedSender } from './sender-gate';
import { parseRequest } from './parse-request';

/** What the main process does for each channel: takes the parsed request, resolves to the result. */
export type Handlers = { [K in InvokeName]: (request: InvokeInput<K>) => Promise<InvokeResult<K>> };

/** Hook for logging refused or failed calls (never given the request body). */
export type IpcLog = (line: string) => void;

/** Serves one invoke: the sender gate, then the schema, then the handler. */
export async function dispatch<K extends InvokeName>(
  name: K,
  sender: SenderFacts,
  args: readonly unknown[],
  handlers: Handlers,
  trusted: TrustedSender,
  log: IpcLog = () => {},
): Promise<IpcResult<InvokeResult<K>>> {
  const refused = checkSender(sender, trusted);
  if (refused) {
    log(`ipc ${name}: ${refused.message}`);
    return { ok: false, error: refused };
  }
  const parsed = parseRequest(name, args);
  if (!parsed.ok) {
    log(`ipc ${name}: ${parsed.error.message}`);
    return parsed;
  }
  try {
    const value = await handlers[name](parsed.value);
    return { ok: true, value };
  } catch (err) {
    const error = toErrorData(err);
    if (error.code === 'INTERNAL') log(`ipc ${name}: ${err instanceof Error && err.stack ? err.stack : error.message}`);
    return { ok: false, error };
  }
}
