//! Paying online: the contractor's rules for what a customer may pay, and the Payments port
//! (Stripe Checkout in AWS, the payment simulator in local mode).
//!
//! # Rules
//! - Amounts are always computed on the server: an invoice's balance, an approved estimate's
//!   deposit, or an amount of account credit. A customer chooses only among what these rules
//!   allow.
//! - A partial payment must be at least the minimum and less than the balance; paying the
//!   whole balance is always allowed, whatever the minimum.
//! - Bank debit (ACH) is offered only at or above `ach_minimum` (it is cheap for large amounts
//!   and slow for small ones); card is always offered.
use crate::DomainError;
use crate::estimate::DepositRule;
use crate::ports::PortError;

/// What the contractor allows, kept in the tenant's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PaymentRules {
    /// Whether a customer may pay part of an invoice's balance.
    pub partial_allowed: bool,
    /// The smallest partial payment, in minor units.
    pub partial_minimum: i64,
    /// The deposit new estimates ask for, unless the estimate says otherwise.
    pub default_deposit: Option<DepositRule>,
    /// Bank debit (ACH) is offered from this amount up; `None` offers it for any amount.
    pub ach_minimum: Option<i64>,
    /// Shown next to the card choice (a surcharge or fee notice), when the contractor has one.
    pub card_fee_disclosure: Option<String>,
    /// The smallest and largest prepayment (account credit) a customer may buy.
    pub credit_minimum: i64,
    pub credit_maximum: i64,
}

impl Default for PaymentRules {
    fn default() -> Self {
        Self {
            partial_allowed: false,
            partial_minimum: 0,
            default_deposit: None,
            ach_minimum: None,
            card_fee_disclosure: None,
            credit_minimum: 1_000,
            credit_maximum: 1_000_000,
        }
    }
}

/// How a customer can pay through Checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutMethod {
    Card,
    /// US bank account (ACH debit).
    UsBankAccount,
}

impl PaymentRules {
    /// The amount to charge against a balance: the whole balance when `requested` is `None`,
    /// otherwise a partial amount the rules allow.
    pub fn invoice_amount(&self, balance: i64, requested: Option<i64>) -> Result<i64, DomainError> {
        if balance <= 0 {
            return Err(DomainError::Conflict("nothing_owed", "This invoice has nothing left to pay.".into()));
        }
        let Some(amount) = requested else { return Ok(balance) };
        if amount == balance {
            return Ok(balance);
        }
        if !self.partial_allowed {
            return Err(DomainError::invalid("amount", "this business takes the whole balance at once"));
        }
        if amount > balance {
            return Err(DomainError::invalid("amount", "is more than the balance"));
        }
        if amount < self.partial_minimum.max(1) {
            return Err(DomainError::invalid("amount", "is less than the smallest partial payment"));
        }
        Ok(amount)
    }

    /// The amount of a prepayment, within the contractor's limits.
    pub fn credit_amount(&self, requested: i64) -> Result<i64, DomainError> {
        if requested < self.credit_minimum.max(1) || requested > self.credit_maximum {
            return Err(DomainError::invalid("amount", "is outside the amounts this business accepts as credit"));
        }
        Ok(requested)
    }

    /// The ways to pay this amount.
    pub fn methods(&self, amount: i64) -> Vec<CheckoutMethod> {
        let mut m = vec![CheckoutMethod::Card];
        if self.ach_minimum.is_none_or(|min| amount >= min) {
            m.push(CheckoutMethod::UsBankAccount);
        }
        m
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        let mut e = crate::FieldErrors::new();
        if self.partial_minimum < 0 {
            e.add("partial_minimum", "must not be negative");
        }
        if self.ach_minimum.is_some_and(|m| m < 0) {
            e.add("ach_minimum", "must not be negative");
        }
        if self.credit_minimum < 1 || self.credit_maximum < self.credit_minimum {
            e.add("credit_maximum", "must be at least the minimum, which must be more than 0");
        }
        if self.card_fee_disclosure.as_ref().is_some_and(|t| t.chars().count() > 500) {
            e.add("card_fee_disclosure", "at most 500 characters");
        }
        e.into_result()
    }
}

/// What a payment is for; named in the Checkout metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// (Part of) an invoice's balance.
    Invoice,
    /// The deposit of an approved estimate; credited on the estimate's invoice.
    Deposit,
    /// Account credit bought ahead of work.
    Credit,
    /// Every open invoice the contact may pay, in one Checkout ("Pay balance"): posted to
    /// each invoice's own payment.
    Balance,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::Deposit => "deposit",
            Self::Credit => "credit",
            Self::Balance => "balance",
        }
    }
}

/// A Checkout session to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub tenant: String,
    pub account: String,
    /// The invoice, estimate or account paid for.
    pub document: String,
    pub purpose: Purpose,
    pub payment: String,
    pub amount: i64,
    /// Lower-case ISO code, as Stripe wants it.
    pub currency: String,
    /// The one line the customer sees on the checkout page (`Invoice INV-2031`).
    pub description: String,
    pub methods: Vec<CheckoutMethod>,
    /// The contractor's Stripe customer for this account, so saved methods are offered.
    pub customer: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    /// One per payment attempt: a retried call never opens a second session.
    pub idempotency_key: String,
}

/// An open Checkout session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkout {
    pub id: String,
    pub url: String,
}

/// The customer a Stripe account knows, for saved payment methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRequest {
    pub tenant: String,
    pub account: String,
    pub name: String,
    pub email: Option<String>,
    pub idempotency_key: String,
}

/// Takes payments: Stripe in AWS, the simulator in local mode.
#[async_trait::async_trait]
pub trait Payments: Send + Sync {
    /// Creates the Stripe customer for an account; returns its id (`cus_…`).
    async fn create_customer(&self, req: &CustomerRequest) -> Result<String, PortError>;
    /// Opens a Checkout session for one payment.
    async fn checkout(&self, req: &CheckoutRequest) -> Result<Checkout, PortError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(partial: bool) -> PaymentRules {
        PaymentRules { partial_allowed: partial, partial_minimum: 5_000, ach_minimum: Some(50_000), ..PaymentRules::default() }
    }

    #[test]
    fn the_whole_balance_is_always_allowed() {
        assert_eq!(rules(false).invoice_amount(1_000, None).ok(), Some(1_000));
        assert_eq!(rules(true).invoice_amount(1_000, Some(1_000)).ok(), Some(1_000), "even below the partial minimum");
        assert!(rules(false).invoice_amount(0, None).is_err(), "nothing owed, nothing to pay");
    }

    #[test]
    fn partial_payments_follow_the_rules() {
        assert!(rules(false).invoice_amount(100_000, Some(20_000)).is_err());
        assert_eq!(rules(true).invoice_amount(100_000, Some(20_000)).ok(), Some(20_000));
        assert!(rules(true).invoice_amount(100_000, Some(4_999)).is_err(), "below the minimum");
        assert!(rules(true).invoice_amount(100_000, Some(100_001)).is_err(), "above the balance");
        assert!(rules(true).invoice_amount(100_000, Some(-5)).is_err());
    }

    #[test]
    fn ach_is_offered_from_the_minimum_up() {
        assert_eq!(rules(false).methods(49_999), vec![CheckoutMethod::Card]);
        assert_eq!(rules(false).methods(50_000), vec![CheckoutMethod::Card, CheckoutMethod::UsBankAccount]);
        assert_eq!(PaymentRules::default().methods(1), vec![CheckoutMethod::Card, CheckoutMethod::UsBankAccount]);
    }

    #[test]
    fn credit_stays_within_limits() {
        let r = PaymentRules::default();
        assert!(r.credit_amount(999).is_err());
        assert!(r.credit_amount(1_000_001).is_err());
        assert_eq!(r.credit_amount(25_000).ok(), Some(25_000));
        assert!(r.validate().is_ok());
        assert!(PaymentRules { credit_maximum: 0, ..r }.validate().is_err());
    }
}
