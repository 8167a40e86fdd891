// Turns raw terminal output (SeaBIOS/iPXE escape sequences, CR overwrites) into plain text for the logs view.

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes, and C1 CSI (0x9b).
// ECMA-48 §5.4: CSI parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, final byte 0x40–0x7E.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[ -/]*[0-~]/g;
// Remaining control characters except tab (newlines are split off before this runs).
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Plain text of one line of terminal output: escape sequences removed, and a carriage return
 * starts the line over (what a terminal shows is the text after the last `\r`, overlaid).
 */
export function stripAnsiLine(line: string): string {
  const noEsc = line.replace(ESCAPES, '');
  if (!noEsc.includes('\r')) return noEsc.replace(CONTROLS, '');
  // Overlay each CR-separated segment onto the previous one, as a terminal would.
  let shown = '';
  for (const seg of noEsc.split('\r')) {
    const clean = seg.replace(CONTROLS, '');
    shown = clean + shown.slice(clean.length);
  }
  return shown;
}

/** Splits text into plain lines (LF or CRLF), stripping escapes; a trailing partial line is returned apart. */
export function splitPlainLines(text: string): { lines: string[]; rest: string } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => stripAnsiLine(l.endsWith('\r') ? l.slice(0, -1) : l)), rest };
}
