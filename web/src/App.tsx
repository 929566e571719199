import { useEffect, useState } from 'preact/hooks';

import { ApiError, adoptViewAs, displayName, documentPath, onSessionChange, restore, session, signOut, tenantProfile } from './api/client';
import type { TenantProfile } from './api/types';
import { Later } from './components/Later';
import { Layout } from './components/Layout';
import { Loading, Notice } from './components/Notice';
import { applyBrand } from './lib/brand';
import { setLocale } from './lib/format';
import { navigate, onLinkClick, useLocation } from './lib/router';
import { linkToken, tenantSlug } from './lib/site';
import { Dashboard } from './pages/Dashboard';
import { EstimateListPage } from './pages/Estimates';
import { EstimatePage } from './pages/Estimate';
import { InvoiceListPage, InvoicePage } from './pages/Invoices';
import { JobListPage, JobPage } from './pages/Jobs';
import { MessagesPage, ThreadRoute } from './pages/Messages';
import { PicturesPage } from './pages/Pictures';
import { PropertiesPage, PropertyDocumentsPage } from './pages/Properties';
import { PaymentPage, PaymentsPage } from './pages/Pay';
import { LinkLanding } from './pages/LinkLanding';
import { RequestLink } from './pages/RequestLink';

export function App() {
  const { path, hash } = useLocation();
  const [ready, setReady] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const [tenantKey, setTenantKey] = useState('');
  const [tenant, setTenant] = useState<TenantProfile | null>(null);
  const [signedIn, setSignedIn] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const token = path === '/signin' ? linkToken(hash) : null;
  // Staff viewing as a customer arrive at /view-as#token=… (a read-only token, kept in memory).
  const viewToken = path === '/view-as' ? linkToken(hash) : null;

  useEffect(() => onSessionChange(() => setSignedIn(session() !== null)), []);

  useEffect(() => {
    let live = true;
    setStartError(null);
    (async () => {
      if (viewToken && adoptViewAs(viewToken)) navigate('/', true);
      const key = token?.split('.')[0] ?? (await tenantSlug());
      setTenantKey(key);
      // Spending a link just made a session: restoring again would rotate the refresh token
      // for nothing (and race the next navigation).
      const needsRestore = !token && session() === null;
      const [profile] = await Promise.all([
        key ? tenantProfile(key).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))) : null,
        needsRestore ? restore() : null,
      ]);
      if (!live) return;
      if (profile) {
        setLocale(profile.locale);
        setTenant(profile);
        applyBrand(profile);
      }
      setSignedIn(session() !== null);
      setReady(true);
    })().catch((e: unknown) => live && setStartError(e));
    return () => {
      live = false;
    };
  }, [attempt, token]);

  // A signed-in session learns its tenant from the session when the config had none.
  useEffect(() => {
    const s = session();
    if (signedIn && s && (!tenant || tenant.id !== s.tenant)) {
      tenantProfile(s.tenant).then((p) => {
        setLocale(p.locale);
        setTenant(p);
        applyBrand(p);
      }, () => undefined);
    }
  }, [signedIn]);

  if (startError !== null) {
    return (
      <Layout tenant={tenant}>
        <Notice error={startError} onRetry={() => setAttempt((a) => a + 1)} />
      </Layout>
    );
  }
  if (!ready) return <Layout tenant={tenant}>{<Loading />}</Layout>;

  const s = session();
  const documentOnly = documentPath(s);
  const readOnly = s?.scope === 'portal:read';
  // What the contractor shows (all of it until the profile says otherwise).
  const shows = tenant?.sections ?? { estimates: true, invoices: true, payments: true };
  const nav = signedIn ? (
    <nav aria-label="Main" class="nav">
      {!documentOnly && (
        <>
          <a href="/" data-route aria-current={path === '/' ? 'page' : undefined}>
            Home
          </a>
          <a href="/jobs" data-route aria-current={path.startsWith('/jobs') ? 'page' : undefined}>
            Jobs
          </a>
          {shows.estimates && (
            <a href="/estimates" data-route aria-current={path.startsWith('/estimates') ? 'page' : undefined}>
              Estimates
            </a>
          )}
          {shows.invoices && (
            <a href="/invoices" data-route aria-current={path.startsWith('/invoices') ? 'page' : undefined}>
              Invoices
            </a>
          )}
          {shows.payments && (
            <a href="/payments" data-route aria-current={path.startsWith('/payments') ? 'page' : undefined}>
              Payments
            </a>
          )}
          <a href="/messages" data-route aria-current={path.startsWith('/messages') ? 'page' : undefined}>
            Messages
          </a>
          <a href="/pictures" data-route aria-current={path.startsWith('/pictures') ? 'page' : undefined}>
            Pictures
          </a>
          <a href="/properties" data-route aria-current={path.startsWith('/properties') ? 'page' : undefined}>
            Properties
          </a>
          <a href="/requests" data-route aria-current={path.startsWith('/requests') ? 'page' : undefined}>
            Request work
          </a>
          <a href="/rate" data-route aria-current={path.startsWith('/rate') ? 'page' : undefined}>
            Rate us
          </a>
        </>
      )}
      {documentOnly ? (
        // A document link has no session to end: offer the whole account instead.
        <a href="/signin" data-route>
          Sign in to your account
        </a>
      ) : (
        <button type="button" class="button link" onClick={() => signOut().finally(() => navigate('/signin'))}>
          Sign out
        </button>
      )}
    </nav>
  ) : undefined;

  let page;
  const estimateMatch = /^\/estimates\/([A-Za-z0-9_]+)$/.exec(path);
  const invoiceMatch = /^\/invoices\/([A-Za-z0-9_]+)$/.exec(path);
  const paymentMatch = /^\/payments\/([A-Za-z0-9_]+)$/.exec(path);
  const jobMatch = /^\/jobs\/([A-Za-z0-9_]+)$/.exec(path);
  const documentsMatch = /^\/properties\/([A-Za-z0-9_]+)\/documents$/.exec(path);
  const threadMatch = /^\/messages\/(general|(?:job|req)_[A-Za-z0-9_]+)$/.exec(path);
  const requestMatch = /^\/requests\/(req_[A-Za-z0-9_]+)$/.exec(path);
  const rateMatch = /^\/rate\/([A-Za-z0-9_]+)$/.exec(path);
  const rescheduleMatch = /^\/jobs\/([A-Za-z0-9_]+)\/visits\/([A-Za-z0-9_]+)\/reschedule$/.exec(path);
  if (path === '/request-work') {
    page = <Later key={path} load={() => import('./pages/PublicRequest').then((m) => m.PublicRequestPage)} props={{ tenantKey }} />;
  } else if (path === '/signin' && token) {
    // Keyed by the token: a fresh link opened in the same tab starts afresh.
    page = <LinkLanding key={token} token={token} tenant={tenant} />;
  } else if (!signedIn || (path === '/signin' && documentOnly)) {
    // Signed out, or holding one document's link and asking to sign in to the whole account.
    page = <RequestLink tenantKey={tenantKey} {...(path !== '/signin' && path !== '/' ? { notice: 'Sign in to continue.' } : {})} />;
  } else if (paymentMatch?.[1]) {
    page = <PaymentPage id={paymentMatch[1]} />;
  } else if (estimateMatch?.[1] && (!documentOnly || documentOnly === path)) {
    page = <EstimatePage id={estimateMatch[1]} tenant={tenant} />;
  } else if (invoiceMatch?.[1] && (!documentOnly || documentOnly === path)) {
    page = <InvoicePage id={invoiceMatch[1]} />;
  } else if (rateMatch?.[1] && (!documentOnly || documentOnly === path)) {
    page = <Later key={path} load={() => import('./pages/Rate').then((m) => m.RatePage)} props={{ job: rateMatch[1], tenant }} />;
  } else if (documentOnly) {
    page = (
      <section class="card narrow">
        <h1>This link opens one document</h1>
        <p>
          <a href={documentOnly} data-route>
            Open it
          </a>
          , or{' '}
          <a href="/signin" data-route>
            sign in
          </a>{' '}
          to see your whole account.
        </p>
      </section>
    );
  } else if (rescheduleMatch?.[1] && rescheduleMatch[2]) {
    page = (
      <Later key={path} load={() => import('./pages/Reschedule').then((m) => m.ReschedulePage)} props={{ job: rescheduleMatch[1], visit: rescheduleMatch[2], tenant }} />
    );
  } else if (jobMatch?.[1]) {
    page = <JobPage id={jobMatch[1]} />;
  } else if (path === '/jobs') {
    page = <JobListPage />;
  } else if (documentsMatch?.[1]) {
    page = <PropertyDocumentsPage id={documentsMatch[1]} />;
  } else if (threadMatch?.[1]) {
    page = <ThreadRoute key={threadMatch[1]} thread={threadMatch[1]} />;
  } else if (path === '/messages') {
    page = <MessagesPage />;
  } else if (path === '/requests') {
    page = <Later key={path} load={() => import('./pages/Requests').then((m) => m.RequestsPage)} props={{}} />;
  } else if (path === '/requests/new') {
    page = <Later key={path} load={() => import('./pages/Requests').then((m) => m.NewRequestPage)} props={{}} />;
  } else if (requestMatch?.[1]) {
    const sent = new URLSearchParams(location.search).has('sent');
    page = <Later key={path} load={() => import('./pages/Requests').then((m) => m.RequestPage)} props={{ id: requestMatch[1], sent }} />;
  } else if (path === '/rate') {
    page = <Later key={path} load={() => import('./pages/Rate').then((m) => m.RateListPage)} props={{}} />;
  } else if (path === '/pictures') {
    page = <PicturesPage />;
  } else if (path === '/properties') {
    page = <PropertiesPage />;
  } else if (path === '/payments') {
    page = <PaymentsPage />;
  } else if (path === '/invoices') {
    page = <InvoiceListPage />;
  } else if (path === '/estimates') {
    page = <EstimateListPage />;
  } else if (path === '/' || path === '/signin') {
    page = <Dashboard tenant={tenant} />;
  } else {
    page = (
      <section class="card narrow">
        <h1>Page not found</h1>
        <a href="/" data-route>
          Go to your portal
        </a>
      </section>
    );
  }

  return (
    <div onClick={onLinkClick}>
      <Layout tenant={tenant} nav={nav} home={documentOnly ?? '/'}>
        {readOnly && (
          <p class="notice view-as" role="note">
            Staff view of {displayName()}'s portal: read only. Nothing here can be approved or paid.
          </p>
        )}
        {page}
      </Layout>
    </div>
  );
}
