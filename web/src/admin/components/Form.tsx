// Form pieces the admin pages share: a labelled field that shows the server's error for it.
import { useState } from 'preact/hooks';

import { ApiError } from '../../api/client';

/** A field error from a 400, by field path. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields[field]?.join('; ') : undefined;
}

export function Field(props: { label: string; name: string; value: string; onInput: (v: string) => void; error: unknown; type?: string; required?: boolean }) {
  const message = fieldError(props.error, props.name);
  const id = `f-${props.name.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <label for={id}>
      {props.label}
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required ?? false}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {message && (
        <span id={`${id}-error`} class="field-error">
          {message}
        </span>
      )}
    </label>
  );
}

/** A form's submit: runs `run`, hands its answer to `done`; while it runs, `busy`; when it
 *  fails, `error` (shown by the form and its fields) and the form can be sent again. */
export function useSubmit<T>(run: () => Promise<T>, done: (answer: T) => void): { error: unknown; busy: boolean; submit: (e: Event) => Promise<void> } {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      done(await run());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { error, busy, submit };
}
