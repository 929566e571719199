// A tiny history router: the portal has a handful of routes, so no framework is needed.
import { useEffect, useState } from 'preact/hooks';

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

/** The current path and fragment; follows history navigation and fragment changes (a link
 *  pasted into the tab that asked for it changes only the fragment). */
export function useLocation(): { path: string; hash: string } {
  const [where, setWhere] = useState({ path: location.pathname, hash: location.hash });
  useEffect(() => {
    const update = () => setWhere({ path: location.pathname, hash: location.hash });
    addEventListener('popstate', update);
    addEventListener('hashchange', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('hashchange', update);
    };
  }, []);
  return where;
}

/** Follows same-origin links without a page load (keeps modifier-clicks and new tabs working). */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || a.target || a.hasAttribute('download') || !a.dataset.route) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
