// Which cell of a port map row an error is about, so only that cell turns red (not the whole row). Pure.

/** A cell of a port map row, or the whole row when the message names none. */
export type PortCell = 'label' | 'guest' | 'host' | 'row';

/** The cell a port row's error message is about (the driver's and the form's own messages). */
export function portErrorCell(message: string | undefined): PortCell {
  if (!message) return 'row';
  if (/guest port/i.test(message)) return 'guest';
  if (/host port|port must be 0 \(automatic\)|already in use/i.test(message)) return 'host';
  if (/label/i.test(message)) return 'label';
  return 'row';
}
