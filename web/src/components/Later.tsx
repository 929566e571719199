// A page loaded when first opened: its code is not in the first download of the portal or
// the admin page (their 35 KB budgets).
import { useEffect, useState } from 'preact/hooks';

import { Loading, Notice } from './Notice';

/**
 * A page loaded when first opened. Give
 * each use its own `key`; a page that moves to another path of its own (a new estimate saved
 * under its id) keeps one key, so it keeps its state, as a page imported directly would.
 */
export function Later<P extends object>({ load, props }: { load: () => Promise<preact.FunctionComponent<P>>; props: P }) {
  const [Page, setPage] = useState<preact.FunctionComponent<P> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    load().then(
      (c) => setPage(() => c),
      (e: unknown) => setError(e),
    );
  }, []);
  if (error !== null) return <Notice error={error} />;
  return Page ? <Page {...props} /> : <Loading />;
}
