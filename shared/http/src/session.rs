//! The verified session a handler acts for. Tenant, account and contact come from here and
//! nowhere else: never from a path, a query or a body.
use lambda_http::Request;
use portal_domain::estimate::Estimate;
use portal_domain::ids::{AccountId, ContactId, EstimateId, InvoiceId, JobId, PropertyId, TenantId};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::InvoiceStatus;
use portal_domain::party::{ContactRole, Section};

use crate::error::ApiError;
use crate::token::{Audience, Claims, Verifier};

/// What a customer token lets its holder reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole account (signed in by link).
    Portal,
    /// The whole account, read only (staff viewing as the customer).
    ReadOnly,
    /// One estimate from an emailed link: view, and sign if `sign`.
    Estimate { id: EstimateId, sign: bool },
    /// One invoice from an emailed link: view, and pay it if `pay`.
    Invoice { id: InvoiceId, pay: bool },
    /// One completed job from a review request: see it and rate it, nothing else.
    Rating { job: JobId },
}

/// What a customer is paying for, to check against the session's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayTarget<'a> {
    Invoice(&'a InvoiceId),
    Deposit(&'a EstimateId),
    /// Account credit (pay ahead): needs the whole account.
    Credit,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "portal" => Some(Scope::Portal),
            "portal:read" => Some(Scope::ReadOnly),
            _ => {
                let (kind, rest) = s.split_once(':')?;
                let (id, rights) = rest.split_once(':')?;
                let rights: Vec<&str> = rights.split(',').collect();
                if !rights.contains(&"view") {
                    return None;
                }
                match kind {
                    "estimate" => Some(Scope::Estimate { id: id.parse().ok()?, sign: rights.contains(&"sign") }),
                    "invoice" => Some(Scope::Invoice { id: id.parse().ok()?, pay: rights.contains(&"pay") }),
                    "rating" if rights.contains(&"rate") => Some(Scope::Rating { job: id.parse().ok()? }),
                    _ => None,
                }
            }
        }
    }
    pub fn render(&self) -> String {
        match self {
            Scope::Portal => "portal".into(),
            Scope::ReadOnly => "portal:read".into(),
            Scope::Estimate { id, sign } => format!("estimate:{id}:{}", if *sign { "view,sign" } else { "view" }),
            Scope::Invoice { id, pay } => format!("invoice:{id}:{}", if *pay { "view,pay" } else { "view" }),
            Scope::Rating { job } => format!("rating:{job}:view,rate"),
        }
    }

    /// The one document an emailed link opens, as `(kind, id)`.
    pub fn document(&self) -> Option<(&'static str, String)> {
        match self {
            Scope::Estimate { id, .. } => Some(("estimate", id.to_string())),
            Scope::Invoice { id, .. } => Some(("invoice", id.to_string())),
            Scope::Rating { job } => Some(("rating", job.to_string())),
            Scope::Portal | Scope::ReadOnly => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSession {
    pub tenant: TenantId,
    pub account: AccountId,
    pub contact: ContactId,
    /// Display name of the contact.
    pub name: String,
    pub role: ContactRole,
    pub scope: Scope,
    /// The properties the contact is limited to, if any.
    pub properties: Option<Vec<PropertyId>>,
    /// Staff id when this is a view-as session.
    pub viewing_staff: Option<String>,
    /// The parts of the portal the contractor hides.
    pub hidden: Vec<Section>,
}

/// The bearer token of a request.
pub fn bearer(req: &Request) -> Result<&str, ApiError> {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized("Sign in to continue."))
}

impl CustomerSession {
    /// The audit actor for this session: the contact, or the staff member viewing as them.
    pub fn actor(&self) -> portal_domain::audit::Actor {
        match &self.viewing_staff {
            Some(staff) => portal_domain::audit::Actor::StaffAsCustomer { id: staff.clone(), name: self.name.clone() },
            None => portal_domain::audit::Actor::Contact { id: self.contact.to_string(), name: self.name.clone() },
        }
    }

    pub fn from_request(req: &Request, verifier: &Verifier, now: jiff::Timestamp) -> Result<Self, ApiError> {
        Self::from_claims(verifier.verify(bearer(req)?, Audience::Portal, now)?)
    }

    /// An audit entry for what this session did to `subject`: the actor and the account are
    /// always the session's.
    pub fn audit_entry(
        &self,
        ids: &dyn portal_domain::ports::Ids,
        now: jiff::Timestamp,
        action: &str,
        subject: String,
        origin: &portal_domain::audit::Origin,
        detail: serde_json::Value,
    ) -> portal_domain::audit::AuditEntry {
        portal_domain::audit::AuditEntry::record(ids, now, self.actor(), action, Some(subject), Some(self.account.clone()), origin, detail)
    }

    pub fn from_claims(c: Claims) -> Result<Self, ApiError> {
        let bad = || ApiError::Unauthorized("Your session is not valid. Sign in again.");
        let scope = Scope::parse(&c.scope).ok_or_else(bad)?;
        let properties = match c.props {
            Some(p) => Some(p.iter().map(|p| p.parse()).collect::<Result<Vec<PropertyId>, _>>().map_err(|_| bad())?),
            None => None,
        };
        Ok(Self {
            tenant: c.tenant.parse().map_err(|_| bad())?,
            account: c.account.as_deref().ok_or_else(bad)?.parse().map_err(|_| bad())?,
            contact: c.contact.as_deref().ok_or_else(bad)?.parse().map_err(|_| bad())?,
            role: ContactRole::parse(&c.role).ok_or_else(bad)?,
            name: c.name,
            viewing_staff: if scope == Scope::ReadOnly { c.staff } else { None },
            scope,
            properties,
            hidden: c.hidden.iter().filter_map(|h| Section::parse(h)).collect(),
        })
    }

    /// Refuses a part of the portal the contractor hides, as if it did not exist.
    pub fn shows(&self, section: Section) -> Result<(), ApiError> {
        if self.hidden.contains(&section) { Err(ApiError::NotFound("page")) } else { Ok(()) }
    }

    /// Whether the session reaches the whole account (lists, dashboard).
    pub fn sees_account(&self) -> bool {
        matches!(self.scope, Scope::Portal | Scope::ReadOnly)
    }

    /// How much of a decision's evidence this session sees (never the signer's address).
    pub fn evidence(&self) -> portal_domain::estimate::view::Evidence {
        use portal_domain::estimate::view::Evidence;
        if self.sees_account() { Evidence::Account } else { Evidence::Link }
    }

    /// Whether this estimate is visible: in scope, and at an allowed property.
    pub fn can_see(&self, e: &Estimate) -> bool {
        let in_scope = match &self.scope {
            Scope::Portal | Scope::ReadOnly => true,
            Scope::Estimate { id, .. } => id == &e.id,
            Scope::Invoice { .. } | Scope::Rating { .. } => false,
        };
        in_scope && self.at_property(e.property.as_ref())
    }

    /// Whether this invoice is visible: issued, in scope, and at an allowed property.
    pub fn can_see_invoice(&self, i: &Invoice) -> bool {
        let in_scope = match &self.scope {
            Scope::Portal | Scope::ReadOnly => true,
            Scope::Invoice { id, .. } => id == &i.id,
            Scope::Estimate { .. } | Scope::Rating { .. } => false,
        };
        in_scope && i.status != InvoiceStatus::Draft && self.at_property(i.property.as_ref())
    }

    /// What "Pay balance" pays: every invoice this session sees and may pay that has something
    /// left to pay online (not covered by a bank debit still settling), soonest due first.
    /// Empty for a read-only view, a link to one document, or a contact who may not pay;
    /// `None` when they are in more than one currency (one Checkout takes one).
    pub fn balance_to_pay<'a>(&self, invoices: &'a [Invoice]) -> Option<Vec<&'a Invoice>> {
        if !self.sees_account() {
            return Some(Vec::new());
        }
        let mut due: Vec<&Invoice> = invoices
            .iter()
            .filter(|i| {
                self.can_see_invoice(i) && i.accepts_payment() && i.ledger.payable() > 0 && self.may_pay(PayTarget::Invoice(&i.id)).is_ok()
            })
            .collect();
        due.sort_by(|a, b| a.content.due_date.cmp(&b.content.due_date).then_with(|| a.number.cmp(&b.number)));
        let one_currency = due.windows(2).all(|w| w[0].content.currency == w[1].content.currency);
        one_currency.then_some(due)
    }

    /// The answer for account-wide pages opened with a link to one document.
    pub fn needs_account(&self) -> Result<(), ApiError> {
        if self.sees_account() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("This link opens one document. Sign in to see your whole account."))
        }
    }

    /// Whether a document at this property is the contact's to see: a contact limited to some
    /// properties sees only theirs (and nothing that names no property).
    pub fn at_property(&self, property: Option<&PropertyId>) -> bool {
        portal_domain::party::within(self.properties.as_deref(), property)
    }

    /// Whether the session may approve, decline or ask for changes on this estimate.
    pub fn may_decide(&self, e: &Estimate) -> Result<(), ApiError> {
        let signs = match &self.scope {
            Scope::Portal => true,
            Scope::ReadOnly => return Err(ApiError::Forbidden("This is a read-only view of the customer's portal.")),
            Scope::Estimate { id, sign } => *sign && id == &e.id,
            Scope::Invoice { .. } | Scope::Rating { .. } => false,
        };
        if !signs {
            return Err(ApiError::Forbidden("This link does not allow signing. Sign in to continue."));
        }
        if !self.role.can_approve() {
            return Err(ApiError::Forbidden("Only an approver on this account can decide on estimates."));
        }
        Ok(())
    }

    /// Whether the session may pay for `target`: not a read-only view, not a viewer; a link
    /// that opens one estimate pays only its deposit (with signing rights), a link that opens
    /// one invoice pays only that invoice (with paying rights).
    pub fn may_pay(&self, target: PayTarget<'_>) -> Result<(), ApiError> {
        match (&self.scope, target) {
            (Scope::Portal, _) => {}
            (Scope::ReadOnly, _) => return Err(ApiError::Forbidden("This is a read-only view of the customer's portal.")),
            (Scope::Estimate { id, sign: true }, PayTarget::Deposit(e)) if id == e => {}
            (Scope::Invoice { id, pay: true }, PayTarget::Invoice(i)) if id == i => {}
            (Scope::Estimate { .. } | Scope::Invoice { .. } | Scope::Rating { .. }, _) => {
                return Err(ApiError::Forbidden("This link does not allow paying this. Sign in to continue."));
            }
        }
        if !self.role.can_pay() {
            return Err(ApiError::Forbidden("Only an approver or billing contact on this account can pay."));
        }
        Ok(())
    }
}

/// What is owed on an account as one contact sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Balances {
    /// Still to be paid across the invoices they see, per currency (one entry for most
    /// contractors): the balances less what is already on its way.
    pub balance_due: Vec<Amount>,
    /// On its way (bank debits still settling), per currency: paid, not to be paid again.
    pub processing: Vec<Amount>,
    /// What "Pay balance" (`POST /api/account/pay-balance`) would take now in one Checkout:
    /// every invoice this contact may pay. Absent when there is nothing they may pay, or the
    /// invoices are in more than one currency.
    pub pay_balance: Option<PayBalance>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PayBalance {
    pub amount: i64,
    pub currency: String,
    /// How many invoices it pays.
    pub invoices: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Amount {
    pub amount: i64,
    pub currency: String,
}

impl CustomerSession {
    /// The balances of the invoices (all the account's) this session sees.
    pub fn balances(&self, all: &[Invoice]) -> Result<Balances, ApiError> {
        let (mut balance_due, mut processing): (Vec<Amount>, Vec<Amount>) = (Vec::new(), Vec::new());
        for i in all.iter().filter(|i| self.can_see_invoice(i) && i.status != InvoiceStatus::Void) {
            let currency = i.content.currency.as_str();
            add(&mut balance_due, currency, i.ledger.payable())?;
            add(&mut processing, currency, i.ledger.processing())?;
        }
        let pay_balance = match self.balance_to_pay(all) {
            Some(due) if !due.is_empty() => Some(PayBalance {
                amount: payable_total(&due)?,
                currency: due[0].content.currency.as_str().to_string(),
                invoices: due.len(),
            }),
            _ => None,
        };
        Ok(Balances { balance_due, processing, pay_balance })
    }
}

/// Adds `amount` to the total in `currency` (checked: money never wraps).
fn add(totals: &mut Vec<Amount>, currency: &str, amount: i64) -> Result<(), ApiError> {
    let overflow = || ApiError::Internal("a balance overflows".into());
    match totals.iter_mut().find(|a| a.currency == currency) {
        Some(a) => a.amount = a.amount.checked_add(amount).ok_or_else(overflow)?,
        None => totals.push(Amount { amount, currency: currency.to_string() }),
    }
    Ok(())
}

/// What the invoices [`CustomerSession::balance_to_pay`] chose still want, in all (checked:
/// money never wraps).
pub fn payable_total(due: &[&Invoice]) -> Result<i64, ApiError> {
    due.iter().try_fold(0i64, |sum, i| sum.checked_add(i.ledger.payable())).ok_or_else(|| ApiError::Internal("a balance overflows".into()))
}

/// A signed-in staff member (admin audience). Tenant and staff id come from the verified token
/// only; a customer token never verifies here (its audience differs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub tenant: TenantId,
    pub staff: portal_domain::ids::StaffId,
    pub name: String,
    pub role: portal_domain::party::StaffRole,
}

impl StaffSession {
    pub fn from_request(req: &Request, verifier: &Verifier, now: jiff::Timestamp) -> Result<Self, ApiError> {
        let c = verifier.verify(bearer(req)?, Audience::Admin, now)?;
        let bad = || ApiError::Unauthorized("Your session is not valid. Sign in again.");
        if c.scope != "admin" {
            return Err(bad());
        }
        Ok(Self {
            tenant: c.tenant.parse().map_err(|_| bad())?,
            staff: c.staff.as_deref().unwrap_or(&c.sub).parse().map_err(|_| bad())?,
            role: portal_domain::party::StaffRole::parse(&c.role).ok_or_else(bad)?,
            name: c.name,
        })
    }

    /// Owners and office staff run customers, documents and money; technicians only read.
    pub fn may_manage(&self) -> Result<(), ApiError> {
        use portal_domain::party::StaffRole;
        match self.role {
            StaffRole::Owner | StaffRole::Office => Ok(()),
            StaffRole::Technician => Err(ApiError::Forbidden("Technicians can look but not change customers, documents or payments.")),
        }
    }

    /// Only the owner changes staff and settings.
    pub fn must_own(&self) -> Result<(), ApiError> {
        match self.role {
            portal_domain::party::StaffRole::Owner => Ok(()),
            _ => Err(ApiError::Forbidden("Only the owner can do this.")),
        }
    }

    pub fn actor(&self) -> portal_domain::audit::Actor {
        portal_domain::audit::Actor::Staff { id: self.staff.to_string(), name: self.name.clone() }
    }
}
