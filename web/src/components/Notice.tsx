import { ApiError, documentPath, session } from '../api/client';

/** The words for a field the server named (`address.city`, `preferred[1]`): its label, or the
 *  label of what it is part of, with its place in a list counted from one. */
function fieldName(field: string, labels: Record<string, string>): string {
  if (labels[field]) return labels[field];
  const item = /^(.*)\[(\d+)\]$/.exec(field);
  if (item?.[1] && labels[item[1]]) return `${labels[item[1]]} ${Number(item[2]) + 1}`;
  const base = field.split(/[.[]/)[0] ?? field;
  return labels[base] ?? base.replace(/_/g, ' ');
}

/** Whether the server named `field` in a refusal (for `aria-invalid`). */
export function invalid(error: unknown, field: string): true | undefined {
  return error instanceof ApiError && (error.fields[field]?.length ?? 0) > 0 ? true : undefined;
}

/** A failure the person can read, with a retry when trying again could help, and the way
 *  back when what they asked for is not there. With `fields` (the form's labels by the
 *  server's field names), each field the server refused is named with what it needs. */
export function Notice({ error, onRetry, fields }: { error: unknown; onRetry?: () => void; fields?: Record<string, string> }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
  const retry = onRetry && (!(error instanceof ApiError) || error.retryable);
  const missing = error instanceof ApiError && error.status === 404;
  const named = fields && error instanceof ApiError ? Object.entries(error.fields).filter(([, m]) => m.length > 0) : [];
  return (
    <div class="notice notice-error" role="alert">
      <p>{message}</p>
      {named.length > 0 && (
        <ul class="field-errors">
          {named.map(([field, m]) => (
            <li key={field}>
              <strong>{fieldName(field, fields ?? {})}</strong>: {m.join('; ')}
            </li>
          ))}
        </ul>
      )}
      {retry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
      {missing && (
        // A document link's holder goes back to that document, not to an account they lack.
        <a class="button secondary" href={documentPath(session()) ?? '/'} data-route>
          {documentPath(session()) ? 'Back to your document' : 'Back to your portal'}
        </a>
      )}
    </div>
  );
}

/** `page`: what loads is the rest of the page (it holds the footer below the fold). */
export function Loading({ label = 'Loading…', page = false }: { label?: string; page?: boolean }) {
  return (
    <p class={page ? 'loading page-loading' : 'loading'} role="status" aria-live="polite">
      {label}
    </p>
  );
}
