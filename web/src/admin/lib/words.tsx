// The admin page speaks the office's language: statuses and audit entries in words
// ("Estimate E-1042 sent to Dana Whitfield"), never codes, ids or the customer's words.
import type { EstimateStatus, InvoiceStatus } from '../../api/types';
import { dateTime, money } from '../../lib/format';
import type { AuditEntry, CustomerDetail } from '../api';

export const ESTIMATE_STATUS: Record<EstimateStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  viewed: 'Viewed by the customer',
  approved: 'Approved',
  declined: 'Declined',
  changes_requested: 'Changes requested',
  expired: 'Expired',
  void: 'Withdrawn',
};

export const INVOICE_STATUS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  open: 'Unpaid',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  void: 'Void',
};

/** What the admin page knows of a customer's records, to name them and link to them. */
export interface Names {
  /** `E-1042`, `INV-2031`, `Dana Whitfield`: the record's name for people. */
  name: (id: string) => string | undefined;
  /** The admin page that shows the record, if there is one. */
  href: (id: string) => string | undefined;
  currency: string;
}

/** A sentence for one audit entry, and the page of what it is about. */
export function auditSentence(a: AuditEntry, names: Names): { text: string; href?: string } {
  const d = a.detail ?? {};
  const subject = a.subject ?? '';
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : undefined);
  const amount = (k = 'amount') => {
    const n = num(k);
    return n === undefined ? '' : ` of ${money(n, names.currency)}`;
  };
  const who = (ids: unknown) => {
    const list = Array.isArray(ids) ? ids.map((x) => names.name(String(x)) ?? 'a contact') : [];
    return list.length ? ` to ${list.join(', ')}` : '';
  };
  const kind = subject.startsWith('inv_') ? 'Invoice' : subject.startsWith('est_') ? 'Estimate' : 'Document';
  const doc = `${kind} ${names.name(subject) ?? str('number') ?? ''}`.trim();
  const person = names.name(subject) ?? str('name') ?? 'a contact';
  const version = num('version');
  const texts: Record<string, () => string> = {
    'estimate.created': () => `${doc} created`,
    'estimate.edited': () => `${doc} edited`,
    'estimate.sent': () => `${doc} sent${version && version > 1 ? ` (version ${version})` : ''}${who(d.recipients)}`,
    'estimate.resent': () => `${doc} sent again${who(d.recipients)}`,
    'estimate.viewed': () => `${doc} opened by the customer`,
    'estimate.approved': () => `${doc} approved and signed`,
    'estimate.declined': () => `${doc} declined${str('reason') ? `: “${str('reason')}”` : ''}`,
    'estimate.changes_requested': () => `Changes asked for on ${doc.toLowerCase().replace(/^estimate/, 'estimate')}`,
    'estimate.update_requested': () => `The customer asked for an updated ${doc.replace(/^Estimate/, 'estimate')}${str('message') ? `: “${str('message')}”` : ''}`,
    'estimate.revised': () => `${doc} revised${version ? `: version ${version} started` : ''}`,
    'estimate.voided': () => `${doc} withdrawn`,
    'invoice.issued': () => `${doc} issued${num('total') === undefined ? '' : ` for ${money(num('total') ?? 0, names.currency)}`}`,
    'invoice.sent': () => `${doc} sent${who(d.recipients)}`,
    'invoice.voided': () => `${doc} voided`,
    'payment.started': () => `The customer opened checkout${amount()}`,
    'payment.updated': () => `Payment ${str('status')?.replace('_', ' ') ?? 'updated'}${num('balance') !== undefined ? `; ${money(num('balance') ?? 0, names.currency)} still owed` : ''}`,
    'payment.recorded': () => `Payment${amount()} recorded by the office${str('source') ? ` (${str('source')})` : ''}`,
    'credit.applied': () => `Credit${amount()} applied to ${doc.toLowerCase().replace(/^invoice/, 'invoice')}`,
    'credit.moved': () => `Deposit${amount()} on ${str('number') ?? 'the estimate'} moved to account credit`,
    'customer.created': () => 'Customer created',
    'contact.added': () => `Contact ${person} added`,
    'contact.changed': () => `Contact ${person} changed`,
    'contact.removed': () => `Contact ${str('name') ?? person} removed`,
    'contact.invited': () => `${person} invited to the portal`,
    'contact.access_off': () => `Portal access switched off for ${person}`,
    'contact.access_on': () => `Portal access switched on for ${person}`,
    'contact.links_withdrawn': () => `Every link sent to ${person} withdrawn`,
    'property.added': () => 'Property added',
    'property.changed': () => 'Property changed',
    'property.removed': () => 'Property removed',
    'auth.link_sent': () => `Sign-in link sent to ${person} by ${str('channel') === 'text' ? 'text' : 'email'}`,
    'auth.signed_in': () => `${'name' in a.actor ? a.actor.name : 'The customer'} signed in`,
    'auth.document_link_opened': () => `${doc} opened from an emailed link`,
    'auth.viewed_as': () => `Staff looked at the portal as ${str('name') ?? person}`,
    'staff.invited': () => 'Staff member invited',
    'staff.removed': () => 'Staff member removed',
    'settings.changed': () => 'Settings changed',
    'settings.logo_changed': () => 'Logo changed',
  };
  const make = texts[a.action];
  const text = make ? make() : a.action.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
  const href = names.href(subject);
  return href ? { text, href } : { text };
}

/** Names and pages of one customer's records, from the customer's page data. */
export function customerNames(c: CustomerDetail): Names {
  const account = c.customer.id;
  const name = new Map<string, string>();
  const href = new Map<string, string>();
  c.contacts.forEach((x) => name.set(x.id, x.name));
  c.estimates.forEach((e) => {
    name.set(e.id, e.number);
    href.set(e.id, `/admin/customers/${account}/estimates/${e.id}`);
  });
  c.invoices.forEach((i) => {
    name.set(i.id, i.number);
    href.set(i.id, `/admin/customers/${account}/invoices/${i.id}`);
  });
  name.set(account, c.customer.name);
  return { name: (id) => name.get(id), href: (id) => href.get(id), currency: c.currency };
}

/** One audit entry as a line of the activity list: when, what (linked), who. */
export function AuditLine({ a, names }: { a: AuditEntry; names: Names }) {
  const s = auditSentence(a, names);
  const who = 'name' in a.actor ? a.actor.name : a.actor.kind === 'stripe' ? 'Stripe' : a.actor.kind;
  return (
    <>
      <time>{dateTime(a.at)}</time>{' '}
      {s.href ? (
        <a href={s.href} data-route>
          {s.text}
        </a>
      ) : (
        <strong>{s.text}</strong>
      )}
      <span class="muted"> · {who}</span>
    </>
  );
}
