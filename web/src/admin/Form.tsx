// Form pieces the admin pages share: a labelled field that shows the server's error for it.
import { ApiError } from '../api/client';

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
