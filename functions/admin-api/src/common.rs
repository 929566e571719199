//! What the office's features share: the staff session, the tenant and the account of a
//! request, paging, audit entries, and the links and messages that send a document.
use portal_domain::audit::AuditEntry;
use portal_domain::ids::{AccountId, OutboxId, PropertyId};
use portal_domain::outbox::{Notice, OutboxMessage};
use portal_domain::party::{Account, Contact, Tenant};
use portal_domain::{DomainError, FieldErrors};
use portal_http::request::{path, query};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call};
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::outbox;
use portal_store::repo::parties;
use portal_store::table::{Cursor, Write};

use crate::State;

/// How long an emailed document link (estimate, invoice) works.
pub(crate) const LINK_DAYS: i64 = 14;

/// One send reaches at most this many contacts (a transaction holds 100 writes).
pub(crate) const MAX_RECIPIENTS: usize = 20;

/// Who a document at `property` goes to: contacts `wanted` by role, with the portal on, who
/// can be reached and may see that property.
pub(crate) fn recipients<'a>(
    contacts: &'a [Contact],
    property: Option<&PropertyId>,
    wanted: impl Fn(&Contact) -> bool,
) -> Vec<&'a Contact> {
    contacts
        .iter()
        .filter(|c| wanted(c) && c.portal_enabled && (c.email.is_some() || c.phone.is_some()))
        .filter(|c| portal_domain::party::within(c.properties.as_deref(), property))
        .take(MAX_RECIPIENTS)
        .collect()
}

/// The answer when a document has nobody to go to (`who`: the roles that could receive it).
pub(crate) fn no_recipients(who: &str) -> ApiError {
    ApiError::Conflict(
        "no_recipients",
        format!("Nobody on this account can receive it: add {who} with an email or phone, and switch their portal access on."),
    )
}

/// How long an emailed document link works.
pub(crate) fn document_link_ttl() -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * LINK_DAYS)
}

/// For each recipient, a link (`purpose`, working for `ttl`) and the outbox message that
/// carries it, to be written with the change that sends it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn link_messages(
    state: &State,
    now: jiff::Timestamp,
    s: &StaffSession,
    account: &AccountId,
    to: &[&Contact],
    purpose: &LinkPurpose,
    ttl: jiff::SignedDuration,
    notice: impl Fn(&Contact, String) -> Notice,
) -> Result<Vec<Write>, ApiError> {
    let mut writes = Vec::with_capacity(to.len() * 2);
    for c in to {
        let subject = Subject::Contact { account: account.clone(), contact: c.id.clone() };
        let (token, link) = issue_link(state.ids.as_ref(), &s.tenant, subject, purpose.clone(), now, ttl)?;
        writes.push(link);
        let message = OutboxMessage {
            id: OutboxId::generate(state.ids.as_ref()),
            account: Some(account.clone()),
            created_at: now,
            notice: notice(c, token),
        };
        writes.push(outbox::enqueue(&s.tenant, message)?);
    }
    Ok(writes)
}

pub(crate) fn session(state: &State, req: &Call) -> Result<StaffSession, ApiError> {
    req.staff(&state.verifier)
}

pub(crate) async fn tenant(state: &State, s: &StaffSession) -> Result<Tenant, ApiError> {
    parties::get_tenant(state.table.as_ref(), &s.tenant)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("tenant {} missing", s.tenant).into()))
}

/// The account named in the path, in the staff member's tenant only.
pub(crate) async fn account(state: &State, s: &StaffSession, req: &Call) -> Result<Account, ApiError> {
    let id: AccountId = path(req, "account", "customer")?;
    parties::get_account(state.table.as_ref(), &s.tenant, &id).await?.ok_or(ApiError::NotFound("customer"))
}

/// `?limit=` (1..=100, 25 by default) and `?cursor=`.
pub(crate) fn paging(req: &Call) -> Result<(u32, Option<Cursor>), ApiError> {
    let limit = match query(req, "limit") {
        None => 25,
        Some(l) => {
            l.parse::<u32>().ok().filter(|l| (1..=100).contains(l)).ok_or_else(|| DomainError::invalid("limit", "must be 1 to 100"))?
        }
    };
    Ok((limit, query(req, "cursor").map(Cursor)))
}

/// A page of results and the cursor of the next.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub(crate) fn text(e: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        e.add(field, format!("required, at most {max} characters"));
    }
    v.to_string()
}

pub(crate) fn entry(
    state: &State,
    s: &StaffSession,
    req: &Call,
    action: &str,
    subject: String,
    account: &AccountId,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry::record(state.ids.as_ref(), req.now, s.actor(), action, Some(subject), Some(account.clone()), &req.origin, detail)
}

/// The names of the customers a page of a staff list names: one GetItem per distinct
/// customer (a page holds at most 100 rows, most often a handful of customers).
pub(crate) async fn customer_names<'a>(
    state: &State,
    s: &StaffSession,
    accounts: impl Iterator<Item = &'a AccountId>,
) -> Result<std::collections::HashMap<AccountId, String>, ApiError> {
    let mut names = std::collections::HashMap::new();
    for a in accounts {
        if !names.contains_key(a)
            && let Some(account) = parties::get_account(state.table.as_ref(), &s.tenant, a).await?
        {
            names.insert(a.clone(), account.name);
        }
    }
    Ok(names)
}
