import { ApiError } from '../api/client';

/** A failure the person can read, with a retry when trying again could help. */
export function Notice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
  const retry = onRetry && (!(error instanceof ApiError) || error.retryable);
  return (
    <div class="notice notice-error" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}
