// Pure paging of a big log for the Logs tab: the tail first, then older pages backwards, joined at line ends.
import { splitPlainLines } from './ansi';

/** Bytes of the log read first (the first screen and well beyond it). */
export const LOG_TAIL_BYTES = 256 * 1024;
/** Bytes per older page (the readLog contract allows up to 4 MiB). */
export const LOG_OLDER_PAGE_BYTES = 4 * 1024 * 1024;

/** Log offset to start reading the tail at: the last `tailBytes` of a log of `size` bytes. */
export function tailStart(size: number, tailBytes = LOG_TAIL_BYTES): number {
  return Math.max(0, size - tailBytes);
}

/** The byte range of the next older page before `loadedFrom`; undefined when everything before is loaded. */
export function olderRange(loadedFrom: number, pageBytes = LOG_OLDER_PAGE_BYTES): { offset: number; limit: number } | undefined {
  if (loadedFrom <= 0) return undefined;
  const offset = Math.max(0, loadedFrom - pageBytes);
  return { offset, limit: loadedFrom - offset };
}

/**
 * Splits the text a read that began mid-line got: `head` is what comes before its first newline (the end
 * of a line whose start is older; kept until the older page arrives), `text` the rest. No newline at all:
 * everything is head.
 */
export function takeHead(text: string): { head: string; text: string } {
  const nl = text.indexOf('\n');
  return nl < 0 ? { head: text, text: '' } : { head: text.slice(0, nl), text: text.slice(nl + 1) };
}

/**
 * The whole lines of an older page `text`, which ends where the newer text began, joined with `newerHead`
 * (the newer text's part before its first newline). A page that starts mid-line keeps its own first part
 * as the new head; one that starts at the log's beginning (`startsMidLine` false) has none.
 */
export function splitOlderPage(text: string, startsMidLine: boolean, newerHead: string): { head: string; lines: string[] } {
  const joined = startsMidLine ? takeHead(text + newerHead) : { head: '', text: text + newerHead };
  if (startsMidLine && !(text + newerHead).includes('\n')) return { head: joined.head, lines: [] };
  return { head: joined.head, lines: splitPlainLines(joined.text + '\n').lines };
}
