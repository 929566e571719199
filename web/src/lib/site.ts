// What both pages (portal and admin) read the same way: which contractor this site is for, and
// the token a link carries.

/** Which contractor this site is for: `config.json` beside the app (written at deploy). An
 *  empty slug when it cannot be read (offline: the sign-in form reports the network error). */
export async function tenantSlug(): Promise<string> {
  try {
    const r = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (r.ok) return ((await r.json()) as { tenant: string }).tenant;
  } catch {
    // Offline: reported when the slug is used.
  }
  return '';
}

/** The link token from `…#token=...` (the fragment never reaches a server log). */
export function linkToken(hash: string): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(hash);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/** Where a link asks to land after Continue (`?next=/payments/pay_…`): only a page of the
 *  portal's own documents, never another site or an arbitrary path. */
export function landingPath(search: string): string | null {
  const next = new URLSearchParams(search).get('next');
  return next && /^\/(payments|invoices|estimates)\/[A-Za-z0-9_]+$/.test(next) ? next : null;
}
