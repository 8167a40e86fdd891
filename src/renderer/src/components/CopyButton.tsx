// A button that copies text and says so.
import { useState } from 'react';
import { copyText } from '../lib/clipboard';

/** Copies `text()` on click; shows "Copied" for a moment. */
export function CopyButton({ text, label = 'Copy', className = '' }: { text: () => string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className={`btn btn-small ${className}`}
      onClick={async () => {
        setState((await copyText(text())) ? 'copied' : 'failed');
        setTimeout(() => setState('idle'), 1500);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
