// The admin page: the contractor's office runs customers, estimates and invoices here. Staff
// sign in by link like customers (the admin audience, its own refresh cookie).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { exchange, onSessionChange, requestLink, restore, session, signOut } from '../api/client';
import { Later } from '../components/Later';
import { Loading, Notice } from '../components/Notice';
import { navigate, onLinkClick, useLocation } from '../lib/router';
import { linkToken, tenantSlug } from '../lib/site';
import { useLoad } from '../lib/useLoad';
import { inbox, me } from './api';
import { StaffPage } from './pages/Staff';
import { CustomerPage, CustomersPage } from './pages/Customers';
import { EstimatesPage } from './pages/Estimates';
import { InvoicesPage } from './pages/Invoices';
import { useSubmit } from './components/Form';
import { setLocale } from '../lib/format';
import { AdminJobPage, JobsPage } from './pages/Jobs';
import { TechPage } from './pages/Tech';

function Shell({ children, signedIn }: { children: ComponentChildren; signedIn: boolean }) {
  const { path } = useLocation();
  const who = useLoad(
    () =>
      (signedIn ? me() : Promise.resolve(null)).then((m) => {
        // Dates and money on the admin page follow the business's locale too.
        if (m) setLocale(m.locale);
        return m;
      }),
    [signedIn],
  );
  // Technicians work from their visits; the office's pages are not theirs to run.
  const tech = who.data?.role === 'technician';
  // Threads with messages the office has not read (the first page of the inbox: one Query),
  // asked again on each page the office opens.
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (!signedIn || !who.data || tech) return;
    inbox('open').then(
      (p) => setUnread(p.threads.filter((t) => t.unread > 0).length),
      () => undefined,
    );
  }, [signedIn, who.data, path]);
  return (
    <div onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="top-inner">
          <a href="/admin" data-route class="brand">
            <span>{who.data?.business ?? 'Switchboard'} · Admin</span>
          </a>
          {signedIn && (
            <nav class="nav" aria-label="Admin">
              {tech ? (
                <>
                  <a href="/admin/tech" data-route aria-current={path === '/admin' || path === '/admin/tech' ? 'page' : undefined}>
                    My visits
                  </a>
                  <a href="/admin/customers" data-route aria-current={path.startsWith('/admin/customers') ? 'page' : undefined}>
                    Customers
                  </a>
                </>
              ) : (
                <>
                  <a href="/admin" data-route aria-current={path === '/admin' || path.startsWith('/admin/customers') ? 'page' : undefined}>
                    Customers
                  </a>
                  <a href="/admin/inbox" data-route aria-current={path.startsWith('/admin/inbox') ? 'page' : undefined}>
                    Inbox
                    {unread > 0 && (
                      <span class="tag">
                        {unread}
                        <span class="visually-hidden"> unread</span>
                      </span>
                    )}
                  </a>
                  <a href="/admin/requests" data-route aria-current={path.startsWith('/admin/requests') ? 'page' : undefined}>
                    Requests
                  </a>
                  <a href="/admin/jobs" data-route aria-current={path.startsWith('/admin/jobs') ? 'page' : undefined}>
                    Jobs
                  </a>
                  <a href="/admin/schedule" data-route aria-current={path === '/admin/schedule' ? 'page' : undefined}>
                    Schedule
                  </a>
                  <a href="/admin/tech" data-route aria-current={path === '/admin/tech' ? 'page' : undefined}>
                    My visits
                  </a>
                  <a href="/admin/estimates" data-route aria-current={path === '/admin/estimates' ? 'page' : undefined}>
                    Estimates
                  </a>
                  <a href="/admin/invoices" data-route aria-current={path.startsWith('/admin/invoices') ? 'page' : undefined}>
                    Invoices
                  </a>
                  <a href="/admin/ratings" data-route aria-current={path === '/admin/ratings' ? 'page' : undefined}>
                    Ratings
                  </a>
                  <a href="/admin/adoption" data-route aria-current={path === '/admin/adoption' ? 'page' : undefined}>
                    Adoption
                  </a>
                  <a href="/admin/staff" data-route aria-current={path === '/admin/staff' ? 'page' : undefined}>
                    Staff
                  </a>
                  <a href="/admin/settings" data-route aria-current={path === '/admin/settings' ? 'page' : undefined}>
                    Settings
                  </a>
                </>
              )}
              <span class="muted-on-dark">{who.data ? `${who.data.name} (${who.data.role})` : ''}</span>
              <button type="button" class="button link" onClick={() => signOut().finally(() => navigate('/admin/signin'))}>
                Sign out
              </button>
            </nav>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} class="admin">
        {children}
      </main>
    </div>
  );
}

function SignIn() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const { error, busy, submit } = useSubmit(
    async () => (await requestLink({ tenant: await tenantSlug(), email, audience: 'admin' })).message,
    setSent,
  );
  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Staff sign-in</h1>
      {sent ? (
        <p role="status">{sent}</p>
      ) : (
        <form onSubmit={submit}>
          <label>
            Work email
            <input type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          {error !== null && <Notice error={error} />}
          <button class="button primary wide" disabled={busy}>
            {busy ? 'Sending…' : 'Email me a sign-in link'}
          </button>
        </form>
      )}
    </section>
  );
}

function Continue({ token }: { token: string }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await exchange(token);
      navigate('/admin', true);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <section class="card narrow center" aria-labelledby="continue-title">
      <h1 id="continue-title">Staff sign-in</h1>
      <p>Press Continue to open the admin page.</p>
      {error !== null && <Notice error={error} />}
      <button type="button" class="button primary wide" onClick={go} disabled={busy}>
        {busy ? 'Opening…' : 'Continue'}
      </button>
    </section>
  );
}

export function AdminApp() {
  const { path, hash } = useLocation();
  const [ready, setReady] = useState(false);
  const [signedIn, setSignedIn] = useState(false);
  const token = path === '/admin/signin' ? linkToken(hash) : null;
  useEffect(() => onSessionChange(() => setSignedIn(session() !== null)), []);
  useEffect(() => {
    (token || session() ? Promise.resolve(true) : restore().catch(() => false)).finally(() => setReady(true));
  }, []);

  let page;
  const customer = /^\/admin\/customers\/([A-Za-z0-9_]+)$/.exec(path);
  const estimate = /^\/admin\/customers\/([A-Za-z0-9_]+)\/estimates\/([A-Za-z0-9_]+)$/.exec(path);
  const invoice = /^\/admin\/customers\/([A-Za-z0-9_]+)\/invoices\/([A-Za-z0-9_]+)$/.exec(path);
  const job = /^\/admin\/jobs\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/.exec(path);
  const thread = /^\/admin\/inbox\/([A-Za-z0-9_]+)\/(general|(?:job|req)_[A-Za-z0-9_]+)$/.exec(path);
  const request = /^\/admin\/requests\/([A-Za-z0-9_]+)\/(req_[A-Za-z0-9_]+)$/.exec(path);
  if (!ready) page = <Loading />;
  else if (token) page = <Continue token={token} />;
  else if (!signedIn) page = <SignIn />;
  else if (estimate?.[1] && estimate[2]) page = (
      <Later key="estimate-builder" load={() => import('./pages/EstimateBuilder').then((m) => m.EstimateBuilder)} props={{ account: estimate[1], estimate: estimate[2] === 'new' ? null : estimate[2] }} />
    );
  else if (invoice?.[1] && invoice[2]) page = <Later key={path} load={() => import('./pages/Invoice').then((m) => m.AdminInvoicePage)} props={{ account: invoice[1], invoice: invoice[2] }} />;
  else if (customer?.[1]) page = <CustomerPage id={customer[1]} />;
  else if (job?.[1] && job[2]) page = <AdminJobPage account={job[1]} job={job[2]} />;
  else if (thread?.[1] && thread[2]) page = <Later key={path} load={() => import('./pages/Inbox').then((m) => m.InboxThreadPage)} props={{ account: thread[1], thread: thread[2] }} />;
  else if (path === '/admin/inbox') page = <Later key={path} load={() => import('./pages/Inbox').then((m) => m.InboxPage)} props={{}} />;
  else if (path === '/admin/jobs') page = <JobsPage />;
  else if (path === '/admin/schedule') page = <Later key={path} load={() => import('./pages/Schedule').then((m) => m.SchedulePage)} props={{}} />;
  else if (path === '/admin/tech') page = <TechPage />;
  else if (path === '/admin/invoices') page = <InvoicesPage />;
  else if (path === '/admin/estimates') page = <EstimatesPage />;
  else if (request?.[1] && request[2]) page = <Later key={path} load={() => import('./pages/Requests').then((m) => m.RequestAdminPage)} props={{ account: request[1], id: request[2] }} />;
  else if (path === '/admin/requests') page = <Later key={path} load={() => import('./pages/Requests').then((m) => m.RequestsInboxPage)} props={{}} />;
  else if (path === '/admin/ratings') page = <Later key={path} load={() => import('./pages/Ratings').then((m) => m.RatingsPage)} props={{}} />;
  else if (path === '/admin/adoption') page = <Later key={path} load={() => import('./pages/Adoption').then((m) => m.AdoptionPage)} props={{}} />;
  else if (path === '/admin/staff') page = <StaffPage />;
  else if (path === '/admin/settings') page = <Later key={path} load={() => import('./pages/Settings').then((m) => m.SettingsPage)} props={{}} />;
  else if ((path === '/admin' || path === '/admin/' || path === '/admin/signin') && session()?.role === 'technician') page = <TechPage />;
  else if (path === '/admin' || path === '/admin/' || path === '/admin/signin' || path === '/admin/customers') page = <CustomersPage />;
  else
    page = (
      <section class="card narrow">
        <h1>Page not found</h1>
        <a href="/admin" data-route>
          Customers
        </a>
      </section>
    );
  return <Shell signedIn={signedIn}>{page}</Shell>;
}


