// Which image formats vmdesk runs, and why the others are refused.

/** Formats vmdesk passes to QEMU: self-contained ones, and qcow2 whose references are checked. */
export const ALLOWED_IMAGE_FORMATS: ReadonlySet<string> = new Set(['raw', 'qcow2', 'vdi', 'vpc', 'vhdx']);

/** Why `format` is refused, or undefined when it is allowed. */
export function imageFormatProblem(format: string): string | undefined {
  if (ALLOWED_IMAGE_FORMATS.has(format)) return undefined;
  const why: Record<string, string> = {
    vmdk: 'VMDK descriptors can name any host file as an extent',
    qed: 'QED is deprecated and its backing files are not checked',
    qcow: 'qcow (version 1) is obsolete',
    luks: 'LUKS images need a key secret vmdesk does not pass',
  };
  return (
    `image format "${format}" is not supported${why[format] ? ` (${why[format]})` : ''}; ` +
    'convert it: qemu-img convert -O qcow2 IN OUT.qcow2'
  );
}
