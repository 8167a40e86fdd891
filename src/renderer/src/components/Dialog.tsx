// A modal dialog: focus moves in and stays in, Escape cancels, Enter submits, focus returns on close.
import { useEffect, useRef, type ReactNode } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** The dialog frame; `onSubmit` runs on Enter or the primary button. */
export function Dialog(props: { title: string; onCancel: () => void; onSubmit?: () => void; children: ReactNode; footer: ReactNode; testId?: string; wide?: boolean }) {
  const ref = useRef<HTMLFormElement>(null);
  const cancelRef = useRef(props.onCancel);
  cancelRef.current = props.onCancel;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    // Escape cancels even when focus left the dialog (a button that turned disabled drops focus to the body).
    const onWindowKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !ref.current?.contains(document.activeElement)) {
        e.preventDefault();
        cancelRef.current();
      }
    };
    window.addEventListener('keydown', onWindowKey);
    return () => {
      window.removeEventListener('keydown', onWindowKey);
      previous?.focus?.();
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onCancel();
    } else if (e.key === 'Tab' && ref.current) {
      const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && props.onCancel()}>
      <form
        ref={ref}
        className={props.wide ? 'dialog dialog-wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        data-testid={props.testId}
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit?.();
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-footer">{props.footer}</div>
      </form>
    </div>
  );
}
