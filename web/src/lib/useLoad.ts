import { useCallback, useEffect, useState } from 'preact/hooks';

/** Fired when a signed photo or document address stopped working before its time (S3
 *  refuses it once the credentials that signed it expire): every loaded page asks again,
 *  quietly, for fresh addresses. */
const EXPIRED = 'switchboard:addresses-expired';
let lastRenewal = 0;

/** Says a signed address failed; at most once a minute, so a store that is down does not
 *  make the page ask again and again. */
export function addressesExpired(): void {
  const now = Date.now();
  if (now - lastRenewal < 60_000) return;
  lastRenewal = now;
  window.dispatchEvent(new Event(EXPIRED));
}

/** Loads data for a page, with the error and a retry; `update` changes what was loaded from
 *  its latest value (for changes that arrive one after another, such as uploads finishing). */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: unknown; retry: () => void; set: (t: T) => void; update: (f: (t: T) => T) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, attempt]);
  useEffect(() => {
    // A quiet reload: what is shown stays until the fresh answer replaces it (and an answer
    // that comes after the page moved on is dropped).
    let live = true;
    const renew = () => {
      load().then(
        (d) => live && setData(d),
        () => undefined,
      );
    };
    window.addEventListener(EXPIRED, renew);
    return () => {
      live = false;
      window.removeEventListener(EXPIRED, renew);
    };
  }, [...deps]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const update = useCallback((f: (t: T) => T) => setData((d) => (d === null ? d : f(d))), []);
  return { data, error, retry, set: setData, update };
}

/** The next page of a list loaded with [`useLoad`]: `more()` asks `page(next)` and adds it
 *  with `join`; `busy` and `error` for its button. */
export function useMore<T extends { next?: string | null }>(
  data: T | null,
  update: (f: (t: T) => T) => void,
  page: (cursor: string) => Promise<T>,
  join: (shown: T, more: T) => T,
): { busy: boolean; error: unknown; more: () => void } {
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const more = () => {
    if (!data?.next) return;
    setState({ busy: true, error: null });
    page(data.next).then(
      (p) => {
        update((d) => join(d, p));
        setState({ busy: false, error: null });
      },
      (e: unknown) => setState({ busy: false, error: e }),
    );
  };
  return { ...state, more };
}
