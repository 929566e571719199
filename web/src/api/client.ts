// The one API client every page uses: `send` plus typed wrappers. It keeps the access token in
// memory (never in storage), refreshes it silently before it expires or after a 401, and turns
// every failure (network, server, validation) into an ApiError the page can show with a retry.
import type {
  EstimateList,
  EstimateView,
  EstimateWithFiles,
  Home,
  InvoiceList,
  InvoiceView,
  JobDetail,
  JobList,
  NewFile,
  NewMessage,
  Pictures,
  Posted,
  NewRating,
  RatingList,
  RatingPage,
  ThreadList,
  ThreadPage,
  Slot,
  UploadStatus,
  LocalWindow,
  PaymentDetail,
  PaymentHistory,
  PropertyList,
  RequestView,
  SessionResponse,
  Started,
  TenantProfile,
  VisitView,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** Worth trying again as is (the network or our side failed). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export const NETWORK_MESSAGE = "We couldn't reach the server. Check your connection and try again.";

type Fetch = typeof fetch;

interface Auth {
  token: string;
  expiresAt: number;
  session: SessionResponse;
  /** For a document link: the link token, re-spent when the access token expires. */
  linkToken: string | null;
}

let auth: Auth | null = null;
/** Which side this page signs in to: the customer portal, or the admin page (its own cookie). */
let audience: 'portal' | 'admin' = 'portal';
let fetcher: Fetch = (...args) => fetch(...args);
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

/** The admin page's entry point sets this before anything else. */
export function setAudience(a: 'portal' | 'admin'): void {
  audience = a;
}

/** Body of a refresh: which session cookie to use. */
function refreshBody(): { audience: string } | undefined {
  return audience === 'admin' ? { audience: 'admin' } : undefined;
}

/** Tests swap the transport. */
export function setFetch(f: Fetch): void {
  fetcher = f;
}

/** The page of the one document a link session opens, or null for a whole-account session. */
export function documentPath(s: SessionResponse | null): string | null {
  if (s?.estimate) return `/estimates/${s.estimate}`;
  if (s?.invoice) return `/invoices/${s.invoice}`;
  if (s?.rating) return `/rate/${s.rating}`;
  return null;
}

export function session(): SessionResponse | null {
  return auth?.session ?? null;
}

interface Claims {
  name?: string;
  exp?: number;
  scope?: string;
  tenant?: string;
  account?: string | null;
  contact?: string | null;
  staff?: string | null;
  role?: string;
}

/** The claims of an access token (read for display only; the server verifies them). */
function claimsOf(token: string | undefined): Claims {
  const part = token?.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Claims;
  } catch {
    return {};
  }
}

/** The display name carried in the access token, for greetings. */
export function displayName(): string {
  return claimsOf(auth?.token).name ?? '';
}

/** Staff viewing as a customer: the admin page opens the portal with a read-only token in
 *  the fragment. It lives in memory for its 15 minutes; there is no refresh. */
export function adoptViewAs(token: string): boolean {
  const c = claimsOf(token);
  if (c.scope !== 'portal:read' || !c.exp) return false;
  const session: SessionResponse = {
    access_token: token,
    token_type: 'Bearer',
    expires_in: Math.max(0, c.exp - Math.floor(Date.now() / 1000)),
    audience: 'portal',
    scope: 'portal:read',
    tenant: c.tenant ?? '',
    account: c.account ?? null,
    contact: c.contact ?? null,
    staff: c.staff ?? null,
    role: c.role ?? 'viewer',
    estimate: null,
    invoice: null,
  };
  accept(session, null);
  return true;
}

export function onSessionChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function setAuth(next: Auth | null): void {
  auth = next;
  listeners.forEach((f) => f());
}

/** Where a document link's token waits out a full page load in this tab (paying leaves for
 *  Checkout and comes back): a document session has no refresh cookie, and must not take the
 *  place of a signed-in customer's. Cleared when the tab closes, on sign-out, or when a
 *  whole-account session starts. */
const DOCUMENT_LINK = 'sb_document_link';

function keepLink(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(DOCUMENT_LINK, token);
    else sessionStorage.removeItem(DOCUMENT_LINK);
  } catch {
    // Storage off (private mode): the link is kept in memory only.
  }
}

function keptLink(): string | null {
  try {
    return sessionStorage.getItem(DOCUMENT_LINK);
  } catch {
    return null;
  }
}

function accept(s: SessionResponse, linkToken: string | null): SessionResponse {
  setAuth({ token: s.access_token, expiresAt: Date.now() + s.expires_in * 1000, session: s, linkToken });
  if (audience === 'portal') keepLink(linkToken);
  return s;
}

async function raw<T>(method: string, path: string, body: unknown, token: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    response = await fetcher(path, init);
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  // A deletion answers 204 with nothing to read.
  if (response.status === 204) return undefined as T;
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string[]> } } | null)?.error;
    throw new ApiError(
      response.status,
      e?.code ?? 'server',
      e?.message ?? 'Something went wrong on our side. Please try again.',
      e?.fields ?? {},
    );
  }
  if (json === null) throw new ApiError(response.status, 'server', 'The server sent an answer we could not read. Please try again.');
  return json as T;
}

/** A call without a session (the public request form). */
export const sendAnonymous = <T>(method: string, path: string, body?: unknown) => raw<T>(method, path, body, null);

/**
 * One refresh at a time across this browser's tabs. They share the refresh cookie: a tab that
 * waits presents the cookie the one before it rotated, instead of a replaced one (which the
 * server would take for a copied token once the grace is over).
 */
function oneAtATime<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? (locks.request(`switchboard-refresh-${audience}`, run) as Promise<T>) : run();
}

/** Gets a new access token from the refresh cookie (or by re-spending a document link). */
async function renew(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const link = auth?.linkToken ?? null;
      if (link) {
        accept(await raw<SessionResponse>('POST', '/api/auth/session', { token: link }, null), link);
      } else {
        accept(await oneAtATime(() => raw<SessionResponse>('POST', '/api/auth/refresh', refreshBody(), null)), null);
      }
      return true;
    } catch (e) {
      if (e instanceof ApiError && !e.retryable) setAuth(null);
      if (e instanceof ApiError && e.retryable) throw e;
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Sends a request as the signed-in person, renewing the session when needed. */
export async function send<T>(req: { method?: string; path: string; body?: unknown }): Promise<T> {
  const method = req.method ?? 'GET';
  if (auth && auth.expiresAt - Date.now() < 30_000) await renew();
  try {
    return await raw<T>(method, req.path, req.body, auth?.token ?? null);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && auth && (await renew())) {
      return raw<T>(method, req.path, req.body, auth?.token ?? null);
    }
    if (e instanceof ApiError && e.status === 401) setAuth(null);
    throw e;
  }
}

/** A GET as the signed-in person with `headers`, renewing the session when needed (once more after a 401). */
async function authorizedGet(path: string, headers: Record<string, string>): Promise<Response> {
  if (auth && auth.expiresAt - Date.now() < 30_000) await renew();
  const get = () => fetcher(path, { headers: auth?.token ? { ...headers, authorization: `Bearer ${auth.token}` } : headers, credentials: 'same-origin' });
  try {
    const r = await get();
    return r.status === 401 && auth && (await renew()) ? await get() : r;
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}

/** Fetches a file as the signed-in person (a scan the office keeps), renewing the session when needed. */
export async function download(path: string): Promise<Blob> {
  const r = await authorizedGet(path, {});
  if (!r.ok) throw new ApiError(r.status, 'download_failed', r.status === 404 ? 'No file is kept here.' : 'The file could not be fetched. Try again.');
  return r.blob();
}

/**
 * A GET that asks only for what changed: `null` when the server answers 304 to `etag` (one
 * cheap read on its side), else the page and its new ETag. Renews the session as `send` does.
 */
export async function sendIfChanged<T>(path: string, etag: string | null): Promise<{ data: T; etag: string } | null> {
  const r = await authorizedGet(path, etag ? { accept: 'application/json', 'if-none-match': etag } : { accept: 'application/json' });
  if (r.status === 304) return null;
  const json: unknown = await r.json().catch(() => null);
  if (!r.ok || json === null) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(r.status, e?.code ?? 'server', e?.message ?? 'Something went wrong on our side. Please try again.');
  }
  return { data: json as T, etag: r.headers.get('etag') ?? '' };
}

// Typed wrappers.

/** Restores a session from the refresh cookie on page load. False when signed out. */
export async function restore(): Promise<boolean> {
  try {
    accept(await oneAtATime(() => raw<SessionResponse>('POST', '/api/auth/refresh', refreshBody(), null)), null);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.retryable) throw e;
  }
  // No signed-in session: a document link opened in this tab still holds.
  const link = audience === 'portal' ? keptLink() : null;
  if (!link) return false;
  try {
    accept(await raw<SessionResponse>('POST', '/api/auth/session', { token: link }, null), link);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.retryable) throw e;
    keepLink(null);
    return false;
  }
}

/** Spends a sign-in or document link. */
export async function exchange(token: string): Promise<SessionResponse> {
  const s = await raw<SessionResponse>('POST', '/api/auth/session', { token }, null);
  return accept(s, documentPath(s) ? token : null);
}

export async function signOut(): Promise<void> {
  try {
    await raw('POST', '/api/auth/signout', refreshBody(), null);
  } finally {
    setAuth(null);
    keepLink(null);
  }
}

export const requestLink = (body: { tenant: string; email?: string; phone?: string; audience?: 'admin' }) =>
  raw<{ status: string; message: string }>('POST', '/api/auth/link', body, null);
/** What a link opens, without spending it. */
export const linkInfo = (token: string) =>
  raw<{ business: string; opens: 'portal' | 'admin' | 'estimate' | 'invoice' | 'rating'; number: string | null; title: string | null; stale: boolean; message: string | null }>(
    'POST',
    '/api/auth/link-info',
    { token },
    null,
  );
export const resendLink = (token: string) => raw<{ status: string; message: string }>('POST', '/api/auth/resend', { token }, null);
export const tenantProfile = (key: string) => raw<TenantProfile>('GET', `/api/auth/tenant/${encodeURIComponent(key)}`, undefined, null);
export const listEstimates = () => send<EstimateList>({ path: '/api/estimates' });
export const listInvoices = () => send<InvoiceList>({ path: '/api/invoices' });
export const getInvoice = (id: string) => send<InvoiceView>({ path: `/api/invoices/${encodeURIComponent(id)}` });
export const payInvoice = (id: string, amount?: number) =>
  send<Started>({ method: 'POST', path: `/api/invoices/${encodeURIComponent(id)}/pay`, body: amount === undefined ? {} : { amount } });
export const applyCredit = (id: string) =>
  send<{ applied: number; balance: number }>({ method: 'POST', path: `/api/invoices/${encodeURIComponent(id)}/apply-credit`, body: {} });
export const payDeposit = (id: string) => send<Started>({ method: 'POST', path: `/api/estimates/${encodeURIComponent(id)}/deposit`, body: {} });
/** Pays every open invoice at once; `amount` is the balance the customer was shown (a changed balance is refused). */
export const payBalance = (amount: number) => send<Started>({ method: 'POST', path: '/api/account/pay-balance', body: { amount } });
export const buyCredit = (amount: number) => send<Started>({ method: 'POST', path: '/api/account/credit', body: { amount } });
export const listPayments = () => send<PaymentHistory>({ path: '/api/payments' });
export const getPayment = (id: string) => send<PaymentDetail>({ path: `/api/payments/${encodeURIComponent(id)}` });
export const requestUpdate = (id: string, message: string) =>
  send<EstimateView>({ method: 'POST', path: `/api/estimates/${encodeURIComponent(id)}/request-update`, body: { message } });
export const getEstimate = (id: string) => send<EstimateWithFiles>({ path: `/api/estimates/${encodeURIComponent(id)}` });
export const approveEstimate = (id: string, body: { version: number; selection: Record<string, string[]>; signer_name: string; signature_png: string; consent: boolean }) =>
  send<EstimateView>({ method: 'POST', path: `/api/estimates/${encodeURIComponent(id)}/approve`, body });
export const declineEstimate = (id: string, body: { version: number; reason: string }) =>
  send<EstimateView>({ method: 'POST', path: `/api/estimates/${encodeURIComponent(id)}/decline`, body });
export const requestChanges = (id: string, body: { version: number; comment: string; line_comments: { item: string; comment: string }[] }) =>
  send<EstimateView>({ method: 'POST', path: `/api/estimates/${encodeURIComponent(id)}/request-changes`, body });

// Jobs and visits.
const visitPath = (job: string, visit: string) => `/api/jobs/${encodeURIComponent(job)}/visits/${encodeURIComponent(visit)}`;
export const getHome = () => send<Home>({ path: '/api/home' });
export const listJobs = () => send<JobList>({ path: '/api/jobs' });
export const getJob = (id: string) => send<JobDetail>({ path: `/api/jobs/${encodeURIComponent(id)}` });
export const listPictures = () => send<Pictures>({ path: '/api/photos' });
const threadPath = (thread: string) => `/api/threads/${encodeURIComponent(thread)}`;
export const listThreads = () => send<ThreadList>({ path: '/api/threads' });
export const getThread = (thread: string, etag: string | null) => sendIfChanged<ThreadPage>(threadPath(thread), etag);
export const postMessage = (thread: string, body: NewMessage) => send<Posted>({ method: 'POST', path: `${threadPath(thread)}/messages`, body });
export const markThreadRead = (thread: string) => send<void>({ method: 'POST', path: `${threadPath(thread)}/read` });
export const uploadSlot = (body: NewFile) => send<Slot>({ method: 'POST', path: '/api/uploads', body });
export const uploadStatus = (file: string) => send<UploadStatus>({ path: `/api/uploads/${encodeURIComponent(file)}` });
export const deleteFile = (file: string) => send<void>({ method: 'DELETE', path: `/api/files/${encodeURIComponent(file)}` });
// Rate us.
export const listRatings = () => send<RatingList>({ path: '/api/ratings' });
export const getRating = (job: string) => send<RatingPage>({ path: `/api/ratings/${encodeURIComponent(job)}` });
export const rateJob = (job: string, body: NewRating) => send<RatingPage>({ method: 'PUT', path: `/api/ratings/${encodeURIComponent(job)}`, body });

/** What sending a file to its slot reports as it goes. */
export interface Progress {
  sent: number;
  total: number;
}

/**
 * Sends a file straight to the blob store at the address of its slot (a PUT of exactly its
 * size, as signed), reporting progress; `signal` cancels it. XMLHttpRequest rather than fetch:
 * fetch reports no upload progress.
 */
export function sendFile(slot: Slot, file: Blob, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Cancelled before its turn came (a phone sends one file at a time).
    if (signal?.aborted) {
      reject(new ApiError(0, 'cancelled', 'Cancelled.'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(slot.method, slot.url);
    for (const [name, value] of slot.headers) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new ApiError(xhr.status, 'upload_failed', xhr.status === 403 ? 'The upload took too long and its address expired. Try again.' : 'The file could not be sent. Try again.'));
    xhr.onerror = () => reject(new ApiError(0, 'network', NETWORK_MESSAGE));
    xhr.onabort = () => reject(new ApiError(0, 'cancelled', 'Cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Asks how an upload went until it is processed (or `tries` run out): about 30 s at most. */
export async function whenProcessed(status: () => Promise<UploadStatus>, tries = 40): Promise<UploadStatus> {
  for (let i = 0; i < tries; i++) {
    const s = await status();
    if (s.state !== 'pending') return s;
    await new Promise((r) => setTimeout(r, Math.min(400 + i * 150, 1500)));
  }
  return { file: '', state: 'failed', reason: 'This is taking longer than it should. Reload the page in a minute to see if the file arrived.', view: null };
}
export const listProperties = () => send<PropertyList>({ path: '/api/properties' });
export const visitCalendar = (job: string, visit: string) => download(`${visitPath(job, visit)}/calendar`);
export const confirmVisit = (job: string, visit: string) => send<VisitView>({ method: 'POST', path: `${visitPath(job, visit)}/confirm`, body: {} });
export const rescheduleVisit = (job: string, visit: string, preferred: LocalWindow[], note: string) =>
  send<RequestView>({ method: 'POST', path: `${visitPath(job, visit)}/reschedule`, body: { preferred, note } });
export const askToCancelVisit = (job: string, visit: string, note: string) =>
  send<RequestView>({ method: 'POST', path: `${visitPath(job, visit)}/cancel`, body: { note } });
