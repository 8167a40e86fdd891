// What the app services tell the outside world (the IPC layer forwards it to the window).
import type { EventContract, EventName } from '../../shared/ipc-contract';

/** Receives app events: plain events as they are, console output as raw bytes (the IPC layer batches them). */
export interface AppEventSink {
  emit<E extends Exclude<EventName, 'consoleData'>>(event: E, payload: EventContract[E]): void;
  /** Console bytes of VM `name`; `endOffset` is the console log offset just after them. */
  console(name: string, bytes: Uint8Array, endOffset: number): void;
}
