// Which archive a source is, by go-getter's rules (the longest known extension of the URL path, or the
// `archive` query parameter), and the name a single compressed file gets once decompressed. Pure.

/** The archive kinds vmdesk unpacks. Single-file kinds (gz, bz2, xz) decompress to one file. */
export type ArchiveKind = 'tar' | 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip' | 'gz' | 'bz2' | 'xz';

// go-getter's decompressor table (get_decompressors.go), longest first; aliases map to their kind.
const EXTENSIONS: Array<[string, ArchiveKind | 'unsupported']> = [
  ['tar.bz2', 'tar.bz2'],
  ['tar.gz', 'tar.gz'],
  ['tar.xz', 'tar.xz'],
  ['tar.zst', 'unsupported'],
  ['tbz2', 'tar.bz2'],
  ['tgz', 'tar.gz'],
  ['txz', 'tar.xz'],
  ['tzst', 'unsupported'],
  ['zip', 'zip'],
  ['bz2', 'bz2'],
  ['gz', 'gz'],
  ['xz', 'xz'],
  ['zst', 'unsupported'],
  ['tar', 'tar'],
];

/** True for kinds that hold one file (no directory tree). */
export function isSingleFile(kind: ArchiveKind): boolean {
  return kind === 'gz' || kind === 'bz2' || kind === 'xz';
}

/** The archive kind of `path` (a URL path or file name), `unsupported` for zstd, or undefined for a plain file. */
export function archiveKindOf(path: string): ArchiveKind | 'unsupported' | undefined {
  const lower = path.toLowerCase();
  for (const [ext, kind] of EXTENSIONS) if (lower.endsWith(`.${ext}`)) return kind;
  return undefined;
}

/** The kind named by go-getter's `?archive=` query value (`false` = none), or undefined when not recognised. */
export function archiveKindNamed(value: string): ArchiveKind | 'none' | 'unsupported' | undefined {
  if (value === 'false') return 'none';
  const hit = EXTENSIONS.find(([ext]) => ext === value.toLowerCase());
  return hit?.[1];
}

/** The file name a single compressed file decompresses to: `disk.qcow2.xz` -> `disk.qcow2`. */
export function decompressedName(fileName: string, kind: ArchiveKind): string {
  const stripped = fileName.slice(0, fileName.length - (kind.length + 1));
  return stripped === '' || !fileName.toLowerCase().endsWith(`.${kind}`) ? `${fileName}.out` : stripped;
}
