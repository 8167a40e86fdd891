// Code splitting of the views: a component whose module (xterm.js, uPlot, noVNC, the Checks tab, the Nomad
// dialogs, ...) is fetched when it is first drawn, with a small placeholder meanwhile.
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

/** A lazily loaded named export `key` of the module `load` imports, drawn inside Suspense. */
export function lazyView<M, K extends keyof M>(load: () => Promise<M>, key: K): M[K] {
  const Lazy = lazy(async () => ({ default: (await load())[key] as ComponentType<object> }));
  const View = (props: object) => (
    <Suspense fallback={<Loading />}>
      <Lazy {...props} />
    </Suspense>
  );
  return View as M[K];
}

/** What a view shows while its code loads. */
function Loading(): ReactNode {
  return <div className="muted" role="status" data-testid="view-loading">Loading…</div>;
}
