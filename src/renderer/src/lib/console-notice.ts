// What the console terminal says when main skipped output the window could not keep up with.

/** A dim terminal line saying how many bytes were skipped and where the whole output is. Pure. */
export function skippedNotice(droppedBytes: number): string {
  return `\r\n\x1b[2m[vmdesk: ${droppedBytes} bytes of fast console output skipped here to keep the window responsive; all of it is in the Logs tab]\x1b[0m\r\n`;
}
