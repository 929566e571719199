//! What the office's features share: the staff session, the tenant and the account of a
//! request, paging, audit entries, and the request as a use case's act.
use portal_domain::FieldErrors;
use portal_domain::ids::AccountId;
use portal_domain::party::{Account, Tenant};
use portal_http::request::path;
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call};
use portal_store::repo::parties;

use crate::State;

/// The request as a use case's act, by the signed-in staff member of their own tenant.
pub(crate) fn act<'a>(state: &'a State, s: &StaffSession, req: &Call) -> portal_app::Act<'a> {
    req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor())
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

pub(crate) use portal_http::request::paging;

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
