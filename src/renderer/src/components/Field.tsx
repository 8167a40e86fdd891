// A labelled form field with its error (from the driver's `error.field`) and a hint under it.
import type { ReactNode } from 'react';

/** The field frame; the control inside should use `id` and `aria-describedby={`${id}-msg`}`. */
export function Field(props: { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`field${props.wide ? ' field-wide' : ''}${props.error ? ' has-error' : ''}`} data-field={props.id}>
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.children}
      <div id={`${props.id}-msg`}>
        {props.error && (
          <span className="field-error" data-testid={`error-${props.id}`}>
            {props.error}
          </span>
        )}
        {!props.error && props.hint && <span className="field-hint">{props.hint}</span>}
      </div>
    </div>
  );
}
