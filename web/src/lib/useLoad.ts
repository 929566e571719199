import { useCallback, useEffect, useState } from 'preact/hooks';

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
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const update = useCallback((f: (t: T) => T) => setData((d) => (d === null ? d : f(d))), []);
  return { data, error, retry, set: setData, update };
}
