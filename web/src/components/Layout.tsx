import type { ComponentChildren } from 'preact';

import type { TenantProfile } from '../api/types';
import { phone } from '../lib/format';

/** The contractor's header, the page, and how to reach the office. */
/** `home` is where the brand leads: the portal, or for a document link that document. */
export function Layout({ tenant, children, nav, home = '/' }: { tenant: TenantProfile | null; children: ComponentChildren; nav?: ComponentChildren; home?: string }) {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="top-inner">
          <a href={home} data-route class="brand">
            {tenant?.branding.logo_url && <img src={tenant.branding.logo_url} alt="" width={36} height={36} />}
            <span>{tenant?.name ?? 'Customer portal'}</span>
          </a>
          {nav}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      {tenant && (tenant.support_phone || tenant.support_email) && (
        <footer class="foot">
          <p>
            Questions? {tenant.name}
            {tenant.support_phone && (
              <>
                {' · '}
                <a href={`tel:${tenant.support_phone}`}>{phone(tenant.support_phone)}</a>
              </>
            )}
            {tenant.support_email && (
              <>
                {' · '}
                <a href={`mailto:${tenant.support_email}`}>{tenant.support_email}</a>
              </>
            )}
          </p>
        </footer>
      )}
    </>
  );
}
