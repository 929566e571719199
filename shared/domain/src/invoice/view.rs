//! What a customer sees of invoices.
use jiff::Timestamp;
use jiff::civil::Date;

use super::{InvoiceContent, InvoiceStatus, InvoiceTotals, Ledger, PaymentMethod, PaymentStatus};

/// One row of the invoices list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceSummary {
    pub id: String,
    pub number: String,
    /// What it is for (`Main panel upgrade`).
    pub title: String,
    /// The property's label (`Home`).
    pub property_label: Option<String>,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub total: i64,
    /// Still owed, including what is on its way.
    pub balance: i64,
    /// Of the balance, what a bank debit still settling covers: not to be paid again.
    pub processing: i64,
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    pub property: Option<String>,
}

impl InvoiceSummary {
    pub fn of(i: &super::Invoice, now: Timestamp) -> InvoiceSummary {
        InvoiceSummary {
            id: i.id.to_string(),
            number: i.number.clone(),
            title: i.what_for(),
            property_label: i.property_label.clone(),
            status: i.status,
            overdue: i.is_overdue(now),
            total: i.ledger.total,
            balance: i.ledger.balance,
            processing: if i.status == InvoiceStatus::Void { 0 } else { i.ledger.processing() },
            currency: i.content.currency.as_str().to_string(),
            due_date: i.content.due_date,
            property: i.property.as_ref().map(ToString::to_string),
        }
    }
}

/// A payment as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub refunded: i64,
    pub purpose: crate::payments::Purpose,
    /// The invoice or estimate paid (`inv_…`, `est_…`); none for account credit.
    pub document: Option<String>,
    /// What it paid, in words (`Invoice INV-2031`, `Deposit on estimate E-1042`).
    pub label: String,
    /// For credit applied to an invoice: the estimate whose deposit it was, or `account`.
    pub credit_source: Option<String>,
    /// The receipt's number for people (`R-1001`), once the receipt was made.
    pub receipt_number: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// How the customer may pay an invoice, under the contractor's rules.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PayOptions {
    /// What can be paid now: the balance less payments still processing.
    pub payable: i64,
    pub partial_allowed: bool,
    /// The smallest partial payment (the whole payable amount is always allowed).
    pub partial_minimum: i64,
    /// `card`, and `us_bank_account` when the amount allows bank debit.
    pub methods: Vec<crate::payments::CheckoutMethod>,
    /// The smallest amount bank debit (ACH) is offered for, if there is one.
    pub ach_minimum: Option<i64>,
    pub card_fee_disclosure: Option<String>,
    /// Account credit that can be applied to this invoice.
    pub credit_available: i64,
    /// Why this session cannot pay (a read-only staff view, a view-only link, a viewer
    /// contact); `None` when it can. The options above still describe the invoice.
    pub blocked: Option<String>,
}

/// One invoice with its lines, totals, payments and balance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceView {
    pub id: String,
    pub number: String,
    /// What it is for, and where.
    pub title: String,
    pub property_label: Option<String>,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub content: InvoiceContent,
    pub totals: InvoiceTotals,
    pub ledger: Ledger,
    pub payments: Vec<PaymentView>,
    pub pay: PayOptions,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub issued_at: Option<Timestamp>,
    pub property: Option<String>,
}
