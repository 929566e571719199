// The admin API, typed. Everything goes through the shared client (`send`), which keeps the
// staff access token in memory and renews it from the admin refresh cookie.
import type { components } from '../api/schema';

import { ApiError, send, sendIfChanged } from '../api/client';
import type { OptionGroup, SessionResponse, VersionContent } from '../api/types';

type S = components['schemas'];

export type Me = S['Me'];

export interface Paged<T> {
  items: T[];
  next: string | null;
}

export type CustomerRow = S['CustomerRow'];

export type ContactView = S['ContactView'];

export type Property = S['Property'];

export type Ledger = S['Ledger'];

export type InvoiceRow = S['InvoiceRow'];

export type CustomerDetail = S['CustomerDetail'];

export type AuditEntry = S['AuditEntry'];

export type EstimateContent = VersionContent;
export type OptionGroupInput = OptionGroup;

export type AdminEstimate = S['AdminEstimate'];

const enc = encodeURIComponent;

export const me = () => send<Me>({ path: '/api/admin/me' });
export const listCustomers = (name = '', cursor?: string) =>
  send<Paged<CustomerRow>>({ path: `/api/admin/customers?limit=50${name.trim() ? `&q=${enc(name.trim())}` : ''}${cursor ? `&cursor=${enc(cursor)}` : ''}` });
export const createCustomer = (body: unknown) => send<CustomerRow>({ method: 'POST', path: '/api/admin/customers', body });
export const moveDeposit = (account: string, estimate: string) =>
  send<{ moved: number; credit_available: number }>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}/move-deposit`, body: {} });
export const getCustomer = (id: string) => send<CustomerDetail>({ path: `/api/admin/customers/${enc(id)}` });
export const addContact = (id: string, body: unknown) => send<ContactView>({ method: 'POST', path: `/api/admin/customers/${enc(id)}/contacts`, body });
export const editContact = (id: string, contact: string, body: unknown) =>
  send<ContactView>({ method: 'PUT', path: `/api/admin/customers/${enc(id)}/contacts/${enc(contact)}`, body });
export const withdrawLinks = (id: string, contact: string) =>
  send<ContactView>({ method: 'POST', path: `/api/admin/customers/${enc(id)}/contacts/${enc(contact)}/withdraw-links`, body: {} });
export const removeContact = (id: string, contact: string) => send<ContactView>({ method: 'DELETE', path: `/api/admin/customers/${enc(id)}/contacts/${enc(contact)}` });
export const addProperty = (id: string, body: unknown) => send<Property>({ method: 'POST', path: `/api/admin/customers/${enc(id)}/properties`, body });
export const editProperty = (id: string, property: string, body: unknown) =>
  send<Property>({ method: 'PUT', path: `/api/admin/customers/${enc(id)}/properties/${enc(property)}`, body });
export const removeProperty = (id: string, property: string) => send<Property>({ method: 'DELETE', path: `/api/admin/customers/${enc(id)}/properties/${enc(property)}` });
export const auditLog = (id: string) => send<Paged<AuditEntry>>({ path: `/api/admin/customers/${enc(id)}/audit?limit=50` });
export const invoiceEstimate = (account: string, estimate: string) =>
  send<{ invoice: InvoiceRow; deposit_credited: number }>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/invoices`, body: { estimate } });
export const recordPayment = (account: string, invoice: string, amount: number, note: string) =>
  send<InvoiceRow>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/invoices/${enc(invoice)}/payments`, body: { amount, note } });
export const createInvoice = (account: string, body: unknown) =>
  send<{ invoice: InvoiceRow; deposit_credited: number }>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/invoices`, body });
export const sendInvoice = (account: string, invoice: string) =>
  send<{ invoice: InvoiceRow; recipients: number }>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/invoices/${enc(invoice)}/send`, body: {} });
export const voidInvoice = (account: string, invoice: string) =>
  send<InvoiceRow>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/invoices/${enc(invoice)}/void`, body: {} });
export const listInvoices = (status: string) => send<Paged<InvoiceRow>>({ path: `/api/admin/invoices?status=${enc(status)}&limit=100` });
export const createEstimate = (account: string, content: EstimateContent, property: string | null) =>
  send<AdminEstimate>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/estimates`, body: property ? { content, property } : { content } });
export const getEstimate = (account: string, estimate: string) => send<AdminEstimate>({ path: `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}` });
export const saveEstimate = (account: string, estimate: string, content: EstimateContent) =>
  send<AdminEstimate>({ method: 'PUT', path: `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}`, body: { content } });
export const estimateAction = (account: string, estimate: string, action: 'send' | 'revise' | 'void') =>
  send<AdminEstimate>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}/${action}`, body: {} });
export type OfflineApprovalIn = S['OfflineApprovalIn'];
/** Records an approval the customer gave outside the portal (by phone, on paper). */
export const recordApproval = (account: string, estimate: string, body: OfflineApprovalIn) =>
  send<AdminEstimate>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}/record-approval`, body });
export const viewAs = (account: string, contact: string) => send<SessionResponse>({ method: 'POST', path: '/api/auth/view-as', body: { account, contact } });

export type StaffView = S['StaffView'];

export type PaymentRules = S['PaymentRules'];

export type Settings = S['Settings'];

export type Month = S['Month'];

export type Compared = S['Compared'];

export type Adoption = S['Adoption'];

export const inviteContact = (account: string, contact: string) =>
  send<ContactView>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/contacts/${enc(contact)}/invite`, body: {} });
export const setAccess = (account: string, contact: string, enabled: boolean) =>
  send<ContactView>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/contacts/${enc(contact)}/access`, body: { enabled } });
export const listStaff = () => send<StaffView[]>({ path: '/api/admin/staff' });
export const inviteStaff = (body: { name: string; email: string; role: string }) => send<StaffView>({ method: 'POST', path: '/api/admin/staff', body });
export const removeStaff = (id: string) => send<StaffView>({ method: 'POST', path: `/api/admin/staff/${enc(id)}/remove`, body: {} });
export const getSettings = () => send<Settings>({ path: '/api/admin/settings' });
export const putSettings = (body: Settings) => send<Settings>({ method: 'PUT', path: '/api/admin/settings', body });
export const adoption = () => send<Adoption>({ path: '/api/admin/adoption' });
export const documentAudit = (subject: string) => send<Paged<AuditEntry>>({ path: `/api/admin/documents/${enc(subject)}/audit` });
export type EstimateRow = S['EstimateRow'];

export type AdminInvoice = S['AdminInvoice'];
export const getInvoice = (account: string, invoice: string) => send<AdminInvoice>({ path: `/api/admin/customers/${enc(account)}/invoices/${enc(invoice)}` });
export const listEstimates = (status: string) => send<Paged<EstimateRow>>({ path: `/api/admin/estimates?status=${enc(status)}&limit=100` });

export type UploadTicket = S['UploadTicket'];

export const startUpload = (content_type: string, size: number) =>
  send<UploadTicket>({ method: 'POST', path: '/api/admin/uploads', body: { purpose: 'logo', content_type, size } });
/** Sends a file straight to the blob store at the address a ticket gives (the server then reads it by content). */
export async function sendFile(ticket: UploadTicket, file: File): Promise<void> {
  let sent: Response;
  try {
    sent = await fetch(ticket.url, { method: ticket.method, headers: Object.fromEntries(ticket.headers), body: file });
  } catch {
    throw new ApiError(0, 'network', "We couldn't send the file. Check your connection and try again.");
  }
  if (!sent.ok) throw new ApiError(sent.status, 'upload_failed', 'The file could not be sent. Try again.');
}

/** An upload address for a scan or photo of a paper approval (PDF, PNG or JPEG, at most 4 MB). */
export const startScanUpload = (content_type: string, size: number) =>
  send<UploadTicket>({ method: 'POST', path: '/api/admin/uploads', body: { purpose: 'approval_scan', content_type, size } });
export const scanPath = (account: string, estimate: string) => `/api/admin/customers/${enc(account)}/estimates/${enc(estimate)}/approval-scan`;
export const attachScan = (account: string, estimate: string, upload: string) =>
  send<{ content_type: string; size: number }>({ method: 'PUT', path: scanPath(account, estimate), body: { upload } });
export const applyLogo = (upload: string) => send<{ logo_url: string; width: number; height: number }>({ method: 'PUT', path: '/api/admin/settings/logo', body: { upload } });

// Jobs, visits, the schedule and the technician's phone.
export type JobRow = S['JobRow'];
export type JobPage = S['JobPage'];
export type AdminVisit = S['Visit'];
export type AdminRequest = S['RescheduleRequest'];
export type Schedule = S['Schedule'];
export type ScheduleRow = S['ScheduleRow'];
export type MyVisits = S['MyVisits'];
export type CustomerWork = S['CustomerWork'];
export type JobActionIn = S['JobAction'];
export type LocalWindowIn = S['LocalWindow'];
export type EquipmentIn = S['EquipmentDetails'];
const jobPath = (account: string, job: string) => `/api/admin/customers/${enc(account)}/jobs/${enc(job)}`;
const visitPath = (account: string, job: string, visit: string) => `${jobPath(account, job)}/visits/${enc(visit)}`;
export const listJobs = (status: string) => send<Paged<JobRow>>({ path: `/api/admin/jobs?status=${enc(status)}&limit=100` });
export const customerWork = (account: string) => send<CustomerWork>({ path: `/api/admin/customers/${enc(account)}/jobs` });
export const createJob = (account: string, body: { property: string | null; title: string; scope: string }) =>
  send<JobPage>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/jobs`, body });
export const getJob = (account: string, job: string) => send<JobPage>({ path: jobPath(account, job) });
export const jobAction = (account: string, job: string, body: JobActionIn) => send<JobPage>({ method: 'POST', path: `${jobPath(account, job)}/actions`, body });
export const scheduleVisit = (account: string, job: string, body: { window: LocalWindowIn; technicians: string[]; customer_notes: string; internal_notes: string }) =>
  send<JobPage>({ method: 'POST', path: `${jobPath(account, job)}/visits`, body });
export const editVisit = (account: string, job: string, visit: string, body: { technicians?: string[]; customer_notes?: string; internal_notes?: string }) =>
  send<JobPage>({ method: 'PUT', path: visitPath(account, job, visit), body });
export const moveVisit = (account: string, job: string, visit: string, window: LocalWindowIn) =>
  send<JobPage>({ method: 'POST', path: `${visitPath(account, job, visit)}/move`, body: { window } });
export const cancelVisit = (account: string, job: string, visit: string, reason: string) =>
  send<JobPage>({ method: 'POST', path: `${visitPath(account, job, visit)}/cancel`, body: { reason } });
export const declineRequest = (account: string, job: string, request: string, message: string) =>
  send<JobPage>({ method: 'POST', path: `${jobPath(account, job)}/requests/${enc(request)}/decline`, body: { message } });
export const schedule = (from: string, days: number, technician?: string) =>
  send<Schedule>({ path: `/api/admin/schedule?from=${enc(from)}&days=${days}${technician ? `&technician=${enc(technician)}` : ''}` });
export const myVisits = () => send<MyVisits>({ path: '/api/admin/tech/visits' });
export const depart = (account: string, job: string, visit: string, eta_minutes: number) =>
  send<ScheduleRow>({ method: 'POST', path: `${visitPath(account, job, visit)}/depart`, body: { eta_minutes } });
export const arrive = (account: string, job: string, visit: string) => send<ScheduleRow>({ method: 'POST', path: `${visitPath(account, job, visit)}/arrive`, body: {} });
export const finishVisit = (account: string, job: string, visit: string, body: { notes: string; equipment: EquipmentIn[]; complete_job: boolean }) =>
  send<ScheduleRow>({ method: 'POST', path: `${visitPath(account, job, visit)}/finish`, body });

// Photos and documents (upload-photo).
export type FileView = S['FileView'];
export const customerFiles = (account: string) => send<S['StaffFiles']>({ path: `/api/admin/customers/${enc(account)}/files` });
export const staffSlot = (account: string, body: S['NewFile']) => send<S['Slot']>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/uploads`, body });
export const staffUploadStatus = (account: string, file: string) =>
  send<S['UploadStatus']>({ path: `/api/admin/customers/${enc(account)}/uploads/${enc(file)}` });
export const changeFile = (account: string, file: string, body: S['LabelChange']) =>
  send<FileView>({ method: 'PATCH', path: `/api/admin/customers/${enc(account)}/files/${enc(file)}`, body });
export const removeFile = (account: string, file: string) => send<void>({ method: 'DELETE', path: `/api/admin/customers/${enc(account)}/files/${enc(file)}` });

export type Inbox = S['Inbox'];
export type ThreadView = S['ThreadView'];
const threadPath = (account: string, thread: string) => `/api/admin/customers/${enc(account)}/threads/${enc(thread)}`;
export const inbox = (filter: string, cursor?: string | null) =>
  send<Inbox>({ path: `/api/admin/inbox?filter=${enc(filter)}&limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}` });
export const staffThread = (account: string, thread: string, etag: string | null) => sendIfChanged<S['ThreadPage']>(threadPath(account, thread), etag);
export const staffPost = (account: string, thread: string, body: S['NewMessage']) =>
  send<S['Posted']>({ method: 'POST', path: `${threadPath(account, thread)}/messages`, body });
export const staffRead = (account: string, thread: string) => send<void>({ method: 'POST', path: `${threadPath(account, thread)}/read` });
export const changeThread = (account: string, thread: string, body: S['ThreadChange']) =>
  send<ThreadView>({ method: 'PATCH', path: threadPath(account, thread), body });
export type HeldView = S['HeldView'];
export const heldEmails = () => send<S['HeldList']>({ path: '/api/admin/held?limit=50' });
export const postHeld = (account: string, held: string) =>
  send<S['HeldPosted']>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/held/${enc(held)}/post` });
export const dismissHeld = (account: string, held: string) =>
  send<HeldView>({ method: 'POST', path: `/api/admin/customers/${enc(account)}/held/${enc(held)}/dismiss` });
export const revokeReplies = (account: string, thread: string) =>
  send<ThreadView>({ method: 'POST', path: `${threadPath(account, thread)}/revoke-replies` });
export const hideMessage = (account: string, thread: string, message: string) =>
  send<void>({ method: 'POST', path: `${threadPath(account, thread)}/messages/${enc(message)}/hide` });


// Ratings and their follow-ups.
export type Rating = S['Rating'];
export const staffRatings = (followUp: 'all' | 'open', cursor?: string | null) =>
  send<S['StaffRatings']>({ path: `/api/admin/ratings?${followUp === 'open' ? 'follow_up=open&' : ''}limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}` });
export const ratingFigures = () => send<S['Figures']>({ path: '/api/admin/ratings/figures' });
export const changeFollowUp = (account: string, job: string, body: S['FollowUpChange']) =>
  send<Rating>({ method: 'PATCH', path: `/api/admin/customers/${enc(account)}/ratings/${enc(job)}`, body });
