import { useEffect, useState } from 'preact/hooks';

import { ApiError, documentPath, exchange, linkInfo, resendLink } from '../api/client';
import type { TenantProfile } from '../api/types';
import { Notice } from '../components/Notice';
import { navigate } from '../lib/router';
import { landingPath } from '../lib/site';

/**
 * The page a sign-in or document link opens (then the page its `next` names, if any). The token is spent only when the person presses
 * Continue (a POST), so email scanners that fetch links cannot use it up.
 */
export function LinkLanding({ token, tenant }: { token: string; tenant: TenantProfile | null }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [resent, setResent] = useState<string | null>(null);
  const [opens, setOpens] = useState<string | null>(null);

  // Say what the link opens before it is spent ("Estimate E-1042: Main panel upgrade").
  useEffect(() => {
    linkInfo(token).then(
      (i) => {
        if (i.stale) {
          // Spent, expired or withdrawn: say so now, with a fresh link one press away.
          setError(new ApiError(410, 'link_expired', i.message ?? 'This link can no longer be used. We can send you a fresh one.', {}));
          return;
        }
        const business = i.business || tenant?.name || 'the business';
        const doc = i.number ? `${i.opens === 'estimate' ? 'Estimate' : 'Invoice'} ${i.number}${i.title ? `: ${i.title}` : ''}` : null;
        setOpens(
          i.opens === 'rating'
            ? `Rate ${i.title ? `${i.title}${i.number ? ` (${i.number})` : ''}` : 'your job'} for ${business}. Press Continue.`
            : i.opens === 'estimate' || i.opens === 'invoice'
            ? `${doc ?? (i.opens === 'estimate' ? 'An estimate' : 'An invoice')} from ${business}. Press Continue to open it.`
            : i.opens === 'admin'
              ? `Press Continue to sign in to ${business}'s admin page.`
              : `Press Continue to sign in to your ${business} portal.`,
        );
      },
      () => setOpens(null),
    );
  }, [token]);

  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await exchange(token);
      // The token leaves the address bar (and history) as soon as it is spent.
      navigate(landingPath(window.location.search) ?? documentPath(s) ?? '/', true);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const resend = async () => {
    setBusy(true);
    try {
      setResent((await resendLink(token)).message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const stale = error instanceof ApiError && (error.code === 'link_expired' || error.code === 'link_used');
  const invalid = error instanceof ApiError && error.status === 401;

  return (
    <section class="card narrow center" aria-labelledby="link-title">
      {tenant?.branding.logo_url && <img class="logo" src={tenant.branding.logo_url} alt="" width={64} height={64} />}
      <h1 id="link-title">{tenant ? tenant.name : 'Customer portal'}</h1>
      {resent ? (
        <p role="status">{resent}</p>
      ) : stale ? (
        <>
          <p role="alert">{(error as ApiError).message}</p>
          <button type="button" class="button primary" onClick={resend} disabled={busy}>
            {busy ? 'Sending…' : 'Send me a fresh link'}
          </button>
        </>
      ) : invalid ? (
        <>
          <p role="alert">{(error as ApiError).message}</p>
          <a class="button primary" href="/signin" data-route>
            Get a new sign-in link
          </a>
        </>
      ) : (
        <>
          <p data-testid="link-opens">{opens ?? 'Press Continue to open your customer portal.'}</p>
          {error !== null && <Notice error={error} onRetry={go} />}
          <button type="button" class="button primary wide" onClick={go} disabled={busy}>
            {busy ? 'Opening…' : 'Continue'}
          </button>
        </>
      )}
    </section>
  );
}
