// A value loaded on first use (a dynamic import and what is built from it), shared by every later caller.

/** A lazily loaded value: get() loads it once; peek() is it when loaded, else undefined. */
export interface LazyOnce<T> {
  get(): Promise<T>;
  peek(): T | undefined;
}

/** Wraps `load` so it runs at most once; a failed load is retried on the next get(). */
export function lazyOnce<T>(load: () => Promise<T>): LazyOnce<T> {
  let pending: Promise<T> | undefined;
  let value: T | undefined;
  return {
    get() {
      pending ??= load().then(
        (v) => (value = v),
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
    peek: () => value,
  };
}
