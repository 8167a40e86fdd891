// A cancellable sleep that does not keep the process alive on its own.

/** Resolves after `ms` unless cancelled; `unref` so a pending step timeout never holds the CLI open. */
export function sleep(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let resolveFn!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveFn = resolve;
    timer = setTimeout(resolve, ms);
  });
  return {
    done,
    cancel() {
      if (timer) clearTimeout(timer);
      resolveFn();
    },
  };
}

/** Plain delay. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
