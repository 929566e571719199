// Shapes of the API's JSON (see infra/openapi.json). Amounts are integer minor units;
// quantities, tax rates and percents are decimal strings.

export type EstimateStatus = 'draft' | 'sent' | 'viewed' | 'approved' | 'declined' | 'changes_requested' | 'expired' | 'void';

export interface LineItem {
  id: string;
  name: string;
  description: string;
  quantity: string;
  unit_price: number;
  taxable: boolean;
}

export interface EstimateOption {
  id: string;
  name: string;
  description: string;
  items: LineItem[];
  recommended: boolean;
}

export interface OptionGroup {
  id: string;
  name: string;
  kind: 'one_of' | 'any_of';
  options: EstimateOption[];
}

export type DepositRule = { kind: 'percent'; percent: string } | { kind: 'fixed'; amount: number };

export interface VersionContent {
  title: string;
  scope: string;
  items: LineItem[];
  groups: OptionGroup[];
  tax_rate: string;
  deposit: DepositRule | null;
  terms: string;
  valid_until: string;
  currency: string;
}

export type Selection = Record<string, string[]>;

export interface Totals {
  subtotal: number;
  taxable_subtotal: number;
  tax: number;
  total: number;
  deposit: number;
}

export interface LineChange {
  item: string;
  name: string;
  option: string | null;
  fields: string[];
  amount_before: number | null;
  amount_after: number | null;
}

export interface VersionChanges {
  from_version: number;
  to_version: number;
  added: LineChange[];
  removed: LineChange[];
  changed: LineChange[];
  scope_changed: boolean;
  terms_changed: boolean;
  tax_rate_changed: boolean;
  deposit_changed: boolean;
  valid_until_changed: boolean;
  total_before: number;
  total_after: number;
}

export interface Approval {
  version: number;
  selection: Selection;
  totals: Totals;
  signer_name: string;
  /** Left out for a document link's reader. */
  signature_png?: string;
  by: string;
  at: string;
  /** Evidence for the contractor only: present on the admin page, never for customers. */
  ip?: string;
  user_agent?: string;
  version_fingerprint: string;
  /** Set when the customer approved outside the portal and the office recorded it. */
  offline?: OfflineApproval;
}

export type ApprovedHow = 'phone' | 'paper' | 'in_person' | 'email';

export interface OfflineApproval {
  how: ApprovedHow;
  recorded_by: string;
  recorded_at: string;
  note: string;
  /** The office's scan of the signed paper (admin page only). */
  scan?: { key: string; content_type: string; size: number; added_at: string } | null;
}

/** "by phone", "on paper": as a sentence says it. */
export const APPROVED_HOW: Record<ApprovedHow, string> = { phone: 'by phone', paper: 'on paper', in_person: 'in person', email: 'by email' };

export type Decision =
  | ({ kind: 'approved' } & Approval)
  | { kind: 'declined'; reason: string; by: string; at: string }
  | { kind: 'changes_requested'; comment: string; line_comments: { item: string; comment: string }[]; by: string; at: string };

export interface VersionView {
  number: number;
  sent_at: string | null;
  note: string | null;
  content: VersionContent;
  fingerprint: string;
  recommended: Selection;
  totals: Totals;
  changes: VersionChanges | null;
  decision: Decision | null;
}

export interface EstimateView {
  id: string;
  number: string;
  title: string;
  status: EstimateStatus;
  current_version: number;
  currency: string;
  valid_until: string;
  property: string | null;
  can_decide: boolean;
  /** Deposit paid or on its way. */
  deposit_paid: number;
  versions: VersionView[];
  /** When the customer asked for an updated estimate (an expired one). */
  update_requested_at: string | null;
  /** Whether this session may ask for an updated estimate now. */
  can_request_update: boolean;
}

export interface EstimateSummary {
  id: string;
  number: string;
  title: string;
  status: EstimateStatus;
  total: number;
  currency: string;
  valid_until: string;
  sent_at: string | null;
  property: string | null;
  version: number;
}

export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  branding: { logo_url: string | null; primary_color: string; accent_color: string };
  support_email: string | null;
  support_phone: string | null;
  welcome_message: string;
  locale: string;
  sections: { estimates: boolean; invoices: boolean; payments: boolean };
}

export interface SessionResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  audience: 'portal' | 'admin';
  scope: string;
  tenant: string;
  account: string | null;
  contact: string | null;
  staff: string | null;
  role: string;
  /** For a document link: the estimate or invoice it opens. */
  estimate: string | null;
  invoice?: string | null;
}

export interface EstimateList {
  estimates: EstimateSummary[];
}

export type InvoiceStatus = 'draft' | 'open' | 'partially_paid' | 'paid' | 'void';
export type PaymentStatus = 'started' | 'canceled' | 'processing' | 'succeeded' | 'failed' | 'disputed' | 'dispute_lost';
export type PaymentMethod = 'online' | 'card' | 'ach' | 'offline' | 'credit';
export type Purpose = 'invoice' | 'deposit' | 'credit' | 'balance';

export interface Amount {
  amount: number;
  currency: string;
}

export interface InvoiceSummary {
  id: string;
  number: string;
  /** What it is for (its estimate's title, or what the office called it). */
  title: string;
  property_label: string | null;
  status: InvoiceStatus;
  overdue: boolean;
  total: number;
  /** Still owed, including what is on its way. */
  balance: number;
  /** Of the balance, what a bank debit still settling covers (not to be paid again). */
  processing: number;
  currency: string;
  due_date: string;
  property: string | null;
}

export interface InvoiceList {
  invoices: InvoiceSummary[];
  /** Still to be paid: the balances less what is on its way. */
  balance_due: Amount[];
  /** Bank debits on their way. */
  processing: Amount[];
  /** What "Pay balance" takes in one Checkout: every invoice this contact may pay. */
  pay_balance: PayBalance | null;
}

export interface PayBalance {
  amount: number;
  currency: string;
  /** How many invoices it pays. */
  invoices: number;
}

export interface PaymentView {
  id: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatus;
  refunded: number;
  purpose: Purpose;
  document: string | null;
  label: string;
  credit_source: string | null;
  /** The receipt's number for people (R-1001), once the receipt was made. */
  receipt_number: string | null;
  created_at: string;
  updated_at: string;
}

export interface PayOptions {
  payable: number;
  partial_allowed: boolean;
  partial_minimum: number;
  methods: ('card' | 'us_bank_account')[];
  ach_minimum: number | null;
  card_fee_disclosure: string | null;
  credit_available: number;
  /** Why this session cannot pay (view-only link, staff view, viewer); null when it can. */
  blocked: string | null;
}

export interface Started {
  payment: string;
  purpose: Purpose;
  amount: number;
  currency: string;
  checkout_url: string;
}

export interface CreditView {
  received: number;
  applied: number;
  available: number;
  pending: number;
  /** Deposits paid on estimates not invoiced yet: each goes to its own estimate's invoice. */
  deposits_held: number;
  currency: string;
}

export interface PaymentHistory {
  payments: PaymentView[];
  credit: CreditView;
}

export interface PaymentDetail {
  payment: PaymentView;
  balance: number | null;
  credit: CreditView;
}

export interface InvoiceView {
  id: string;
  number: string;
  /** What it is for, and where. */
  title: string;
  property_label: string | null;
  status: InvoiceStatus;
  overdue: boolean;
  content: {
    items: LineItem[];
    discount: { kind: 'percent'; label: string; percent: string } | { kind: 'fixed'; label: string; amount: number } | null;
    tax_rate: string;
    currency: string;
    due_date: string;
    memo: string;
  };
  totals: { subtotal: number; discount: number; taxable: number; tax: number; total: number };
  ledger: { total: number; paid: number; pending: number; balance: number; overpaid: number };
  payments: PaymentView[];
  pay: PayOptions;
  issued_at: string | null;
  property: string | null;
}
