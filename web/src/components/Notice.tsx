import { ApiError, documentPath, session } from '../api/client';

/** A failure the person can read, with a retry when trying again could help, and the way
 *  back when what they asked for is not there. */
export function Notice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
  const retry = onRetry && (!(error instanceof ApiError) || error.retryable);
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <div class="notice notice-error" role="alert">
      <p>{message}</p>
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
