// The port map editor: one row per label with the guest port and the host port (empty = automatic).
import { Fragment, useEffect, useRef } from 'react';
import { useTaskForm, shouldShow } from '../stores/task-form';
import type { FormField } from '../lib/task-form';
import { portErrorCell } from '../lib/port-cell';

// The three input cells of a row, in column order.
const PORT_CELLS = [
  { field: 'label', name: 'label', placeholder: 'http', numeric: false },
  { field: 'guest', name: 'guest port', placeholder: '80', numeric: true },
  { field: 'host', name: 'host port', placeholder: 'automatic', numeric: true },
] as const;

/** The editor; `errors` are the form's errors by field (`port:<label>` for a row). */
export function PortMapEditor({ errors }: { errors: Partial<Record<FormField, string>> }) {
  const state = useTaskForm();
  const { form, addPort, updatePort, removePort } = state;
  const tableError = shouldShow(state, 'ports') ? errors.ports : undefined;
  // After "+ Add port" the new row's label gets focus (not the button), so typing and Tab go on from there.
  const added = useRef(false);
  const lastLabel = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    if (!added.current) return;
    added.current = false;
    lastLabel.current?.focus();
  }, [form.ports.length]);
  return (
    <div className="port-editor" data-testid="port-editor">
      {form.ports.length > 0 && (
        <table className="port-table">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Guest port</th>
              <th scope="col">Host port</th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {form.ports.map((row, i) => {
              const key: FormField = `port:${row.label.trim()}`;
              const error = shouldShow(state, key) ? errors[key] : undefined;
              const cell = portErrorCell(error);
              const bad = (c: 'label' | 'guest' | 'host') => Boolean(error) && (cell === c || cell === 'row');
              return (
                <Fragment key={row.id}>
                  <tr className={error ? 'has-error' : ''} data-testid="port-row">
                    {PORT_CELLS.map((c) => (
                      <td key={c.field}>
                        <input
                          ref={c.field === 'label' && i === form.ports.length - 1 ? lastLabel : undefined}
                          aria-label={`Port ${i + 1} ${c.name}`}
                          inputMode={c.numeric ? 'numeric' : undefined}
                          placeholder={c.placeholder}
                          value={row[c.field]}
                          onChange={(e) => updatePort(row.id, { [c.field]: e.target.value })}
                          data-testid={`port-${c.field}`}
                          aria-invalid={bad(c.field)}
                        />
                      </td>
                    ))}
                    <td>
                      <button
                        type="button"
                        className="btn-icon"
                        aria-label={`Remove port ${row.label || i + 1}`}
                        onClick={() => removePort(row.id)}
                      >
                        ×
                      </button>
                    </td>
                  </tr>
                  {error && (
                    <tr className="port-error-row">
                      <td colSpan={4}>
                        <span className="field-error" data-testid="error-port">
                          {error}
                        </span>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {tableError && (
        <span className="field-error" data-testid="error-ports">
          {tableError}
        </span>
      )}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          added.current = true;
          addPort();
        }}
        data-testid="add-port"
      >
        + Add port
      </button>
      <p className="field-hint">
        Leave the host port empty to pick a free one at start. Forwards listen on the bind address from
        Settings.
      </p>
    </div>
  );
}
