// Keyboard to the guest for `vmdesk run`: on a terminal, raw mode (Ctrl-C, arrows and tab reach the guest's
// shell) with Ctrl-] as the one key vmdesk keeps (stop the VM), as `virsh console` and telnet do; piped
// stdin is forwarded as it comes.

/** The key that stops the VM from a raw terminal: Ctrl-] (GS, 0x1d). */
export const ESCAPE_BYTE = 0x1d;

/** Splits input at the escape key: the bytes for the guest before it, and whether it was pressed. Pure. */
export function splitAtEscape(chunk: Uint8Array): { forward: Uint8Array; escape: boolean } {
  const at = chunk.indexOf(ESCAPE_BYTE);
  return at < 0 ? { forward: chunk, escape: false } : { forward: chunk.subarray(0, at), escape: true };
}

/** Forwards stdin to the guest; `onEscape` runs on Ctrl-] (terminal only). Returns the undo (restores the terminal). */
export function forwardStdin(write: (data: Uint8Array) => Promise<void>, onEscape: () => void, onError: (err: Error) => void): () => void {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  if (tty) stdin.setRawMode(true);
  let queue = Promise.resolve();
  const onData = (chunk: Buffer) => {
    const { forward, escape } = tty ? splitAtEscape(chunk) : { forward: chunk, escape: false };
    // In order, one write at a time: the console socket takes bytes as they come.
    if (forward.length > 0) queue = queue.then(() => write(forward)).catch(onError);
    if (escape) onEscape();
  };
  stdin.on('data', onData);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    if (tty) stdin.setRawMode(false);
    stdin.pause();
  };
}
