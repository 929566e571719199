//! Estimates: built, edited as drafts, sent, sent again, revised, voided, and the estimates
//! of every customer by status.
use lambda_http::{Body, Response};
use portal_domain::estimate::view::{EstimateSummary, EstimateView, Evidence};
use portal_domain::estimate::{
    Estimate, EstimateEvent, EstimateStatus, EstimateVersion, Totals, VersionContent, end_of_day, totals, transition,
};
use portal_domain::ids::{EstimateId, PropertyId};
use portal_domain::outbox::Notice;
use portal_domain::{DomainError, FieldErrors};
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, json_or_default, path, query_as};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::estimates::{self, EstimateBundle};
use portal_store::repo::{audit, parties};

use crate::State;
use crate::common::{Paged, account, customer_names, entry, paging, session, tenant};

/// Estimates are numbered from here (`E-1001`) per contractor.
pub const FIRST_ESTIMATE_NUMBER: i64 = 1001;

/// Estimate bodies carry every line and option.
pub(crate) const MAX_ESTIMATE_BODY: usize = 256 * 1024;

/// An estimate as the office sees it: what the customer sees (sent versions), and the draft
/// being built, if any.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AdminEstimate {
    pub summary: EstimateSummary,
    /// The unsent version's content, while the estimate is a draft.
    pub draft: Option<VersionContent>,
    /// The draft's totals with its recommended options.
    pub draft_totals: Option<Totals>,
    /// Sent versions and decisions with all their evidence (signer's address and browser
    /// included), with the deposit paid.
    pub sent: EstimateView,
    /// Contacts emailed a link by the last send.
    pub recipients: usize,
}

pub(crate) fn view(now: jiff::Timestamp, b: &EstimateBundle, recipients: usize) -> Result<AdminEstimate, ApiError> {
    let draft = (b.estimate.status == EstimateStatus::Draft).then(|| b.current()).flatten().map(|v| v.content.clone());
    let mut sent = EstimateView::of(&b.estimate, &b.versions, &b.decisions, now, false, Evidence::Full).map_err(ApiError::internal)?;
    sent.deposit_paid = b.deposit_covered();
    Ok(AdminEstimate {
        summary: EstimateSummary::of(&b.estimate, now),
        draft_totals: draft.as_ref().map(|c| totals(c, &c.default_selection())).transpose().map_err(ApiError::internal)?,
        draft,
        sent,
        recipients,
    })
}

/// A draft to create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEstimate {
    pub content: VersionContent,
    #[serde(default)]
    pub property: Option<PropertyId>,
}

/// The draft's new content.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftContent {
    pub content: VersionContent,
}

/// A note for the customer (what changed, or a greeting).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    pub note: Option<String>,
}

pub(crate) fn check(content: &VersionContent, today: jiff::civil::Date, currency: &portal_domain::money::Currency) -> Result<(), ApiError> {
    let mut e = FieldErrors::new();
    if let Err(err) = content.validate() {
        e.absorb("content.", err);
    }
    if content.valid_until < today {
        e.add("content.valid_until", "must be today or later");
    }
    if &content.currency != currency {
        e.add("content.currency", format!("must be the business's currency, {}", currency.as_str()));
    }
    e.into_result().map_err(unprocessable)
}

pub(crate) async fn load(state: &State, s: &StaffSession, req: &Call) -> Result<EstimateBundle, ApiError> {
    let a: portal_domain::ids::AccountId = path(req, "account", "customer")?;
    let id: EstimateId = path(req, "estimate", "estimate")?;
    estimates::load(state.table.as_ref(), &s.tenant, &a, &id).await?.ok_or(ApiError::NotFound("estimate"))
}

pub(crate) async fn reload(
    state: &State,
    s: &StaffSession,
    req: &Call,
    e: &Estimate,
    recipients: usize,
) -> Result<Response<Body>, ApiError> {
    let b = estimates::load(state.table.as_ref(), &s.tenant, &e.account, &e.id).await?.ok_or(ApiError::NotFound("estimate"))?;
    Ok(response::ok(&view(req.now, &b, recipients)?))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = NewEstimate,
    responses((status = 201, body = AdminEstimate), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn create(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let account = account(state, &s, req).await?;
    let body: NewEstimate = json(req, MAX_ESTIMATE_BODY)?;
    let tenant = tenant(state, &s).await?;
    let now = req.now;
    check(&body.content, tenant.today(now), &tenant.currency)?;
    if let Some(p) = &body.property {
        let known = parties::list_properties(state.table.as_ref(), &s.tenant, &account.id).await?;
        if !known.iter().any(|k| &k.id == p) {
            return Err(DomainError::invalid("property", "is not a property of this customer").into());
        }
    }
    let number = parties::next_number(state.table.as_ref(), &s.tenant, "EST", FIRST_ESTIMATE_NUMBER).await?;
    let c = &body.content;
    let header = Estimate {
        id: EstimateId::generate(state.ids.as_ref()),
        tenant: s.tenant.clone(),
        account: account.id.clone(),
        property: body.property.clone(),
        number: format!("E-{number}"),
        status: EstimateStatus::Draft,
        current_version: 1,
        title: c.title.trim().to_string(),
        headline_total: totals(c, &c.default_selection())?.total,
        currency: c.currency.clone(),
        valid_until: c.valid_until,
        expires_at: end_of_day(c.valid_until, &tenant.zone()),
        created_at: now,
        sent_at: None,
        first_viewed_at: None,
        decided_at: None,
        update_requested_at: None,
        rev: 1,
    };
    let version =
        EstimateVersion { number: 1, created_at: now, sent_at: None, note: None, fingerprint: c.fingerprint(), content: c.clone() };
    let mut writes = estimates::create(&header, &version)?;
    let detail = serde_json::json!({ "number": header.number, "title": header.title });
    writes.push(audit::append(&s.tenant, &entry(state, &s, req, "estimate.created", header.id.to_string(), &account.id, detail))?);
    state.table.transact(writes).await?;
    let b = estimates::load(state.table.as_ref(), &s.tenant, &account.id, &header.id).await?.ok_or(ApiError::NotFound("estimate"))?;
    Ok(response::json(201, &view(req.now, &b, 0)?))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/estimates/{estimate}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn get(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let b = load(state, &s, req).await?;
    Ok(response::ok(&view(req.now, &b, 0)?))
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/estimates/{estimate}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = DraftContent,
    responses((status = 200, body = AdminEstimate), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "sent versions cannot change; revise instead")))]
pub async fn edit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: DraftContent = json(req, MAX_ESTIMATE_BODY)?;
    let b = load(state, &s, req).await?;
    if b.estimate.status != EstimateStatus::Draft {
        return Err(ApiError::Conflict("not_draft", "A sent version cannot change. Revise the estimate to start a new version.".into()));
    }
    let tenant = tenant(state, &s).await?;
    let now = req.now;
    check(&body.content, tenant.today(now), &tenant.currency)?;
    let current = b.current().ok_or_else(|| ApiError::Internal("current version missing".into()))?;
    let c = body.content;
    let version = EstimateVersion { content: c.clone(), fingerprint: c.fingerprint(), ..current.clone() };
    let mut header = b.estimate.clone();
    header.title = c.title.trim().to_string();
    header.headline_total = totals(&c, &c.default_selection())?.total;
    header.valid_until = c.valid_until;
    header.expires_at = end_of_day(c.valid_until, &tenant.zone());
    header.rev += 1;
    let detail = serde_json::json!({ "version": version.number, "total": header.headline_total });
    let audit = entry(state, &s, req, "estimate.edited", header.id.to_string(), &header.account, detail);
    state
        .table
        .transact(vec![
            estimates::save_header(&header, b.estimate.rev)?,
            estimates::put_draft_version(&header, &version)?,
            audit::append(&s.tenant, &audit)?,
        ])
        .await?;
    reload(state, &s, req, &header, 0).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/send", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = Note,
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn send(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Note = json_or_default(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    let e = &b.estimate;
    let now = req.now;
    if matches!(e.effective_status(now), EstimateStatus::Sent | EstimateStatus::Viewed) {
        return resend(state, &s, req, &b).await;
    }
    let next = transition(e.status, EstimateEvent::Send)?;
    let tenant = tenant(state, &s).await?;
    let current = b.current().ok_or_else(|| ApiError::Internal("current version missing".into()))?;
    if current.content.valid_until < tenant.today(now) {
        return Err(ApiError::Conflict(
            "valid_until_passed",
            "The estimate's valid-until date has passed. Change it before sending.".into(),
        ));
    }
    let note = body.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(DomainError::invalid("note", "at most 2,000 characters").into());
    }
    let mut version = current.clone();
    version.sent_at = Some(now);
    if note.is_some() {
        version.note = note;
    }
    let mut header = e.clone();
    header.status = next;
    header.sent_at = Some(now);
    header.rev += 1;
    // Everyone who can approve it, at its property, with the portal on, gets a link.
    let contacts = parties::list_contacts(state.table.as_ref(), &s.tenant, &e.account).await?;
    let recipients = crate::common::recipients(&contacts, e.property.as_ref(), |c| c.role.can_approve());
    if recipients.is_empty() {
        return Err(crate::common::no_recipients("an approver"));
    }
    let mut writes = vec![estimates::save_header(&header, e.rev)?, estimates::put_draft_version(&header, &version)?];
    writes.extend(links(state, req.now, &s, e, version.number, &recipients)?);
    let detail = serde_json::json!({ "version": version.number, "recipients": recipients.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(audit::append(&s.tenant, &entry(state, &s, req, "estimate.sent", e.id.to_string(), &e.account, detail))?);
    state.table.transact(writes).await?;
    reload(state, &s, req, &header, recipients.len()).await
}

/// The document links for one version of an estimate, and the messages that carry them.
pub(crate) fn links(
    state: &State,
    now: jiff::Timestamp,
    s: &StaffSession,
    e: &Estimate,
    version: u32,
    to: &[&portal_domain::party::Contact],
) -> Result<Vec<portal_store::table::Write>, ApiError> {
    let purpose = LinkPurpose::Estimate { estimate: e.id.clone(), rights: vec!["view".into(), "sign".into()] };
    crate::common::link_messages(state, now, s, &e.account, to, &purpose, crate::common::document_link_ttl(), |c, token| {
        Notice::EstimateSent { estimate: e.id.clone(), version, contact: c.id.clone(), token: Some(token) }
    })
}

/// Sends a sent estimate's current version again, with fresh links (the customer lost the
/// email, or a contact was added). Nothing about the estimate changes.
pub(crate) async fn resend(state: &State, s: &StaffSession, req: &Call, b: &EstimateBundle) -> Result<Response<Body>, ApiError> {
    let e = &b.estimate;
    let current = b.current().ok_or_else(|| ApiError::Internal("current version missing".into()))?;
    let contacts = parties::list_contacts(state.table.as_ref(), &s.tenant, &e.account).await?;
    let recipients = crate::common::recipients(&contacts, e.property.as_ref(), |c| c.role.can_approve());
    if recipients.is_empty() {
        return Err(crate::common::no_recipients("an approver"));
    }
    // The rev guards against a decision made while this is sent.
    let header = Estimate { rev: e.rev + 1, ..e.clone() };
    let mut writes = vec![estimates::save_header(&header, e.rev)?];
    writes.extend(links(state, req.now, s, e, current.number, &recipients)?);
    let detail = serde_json::json!({ "version": current.number, "recipients": recipients.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(audit::append(&s.tenant, &entry(state, s, req, "estimate.resent", e.id.to_string(), &e.account, detail))?);
    state.table.transact(writes).await?;
    reload(state, s, req, &header, recipients.len()).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/revise", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn revise(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let now = req.now;
    let e = &b.estimate;
    let next = transition(e.effective_status(now), EstimateEvent::Revise)?;
    let current = b.current().ok_or_else(|| ApiError::Internal("current version missing".into()))?;
    let version = EstimateVersion { number: current.number + 1, created_at: now, sent_at: None, note: None, ..current.clone() };
    let mut header = e.clone();
    header.status = next;
    header.current_version = version.number;
    // The new version answers a request for an updated estimate.
    header.update_requested_at = None;
    header.rev += 1;
    let detail = serde_json::json!({ "version": version.number });
    let audit = entry(state, &s, req, "estimate.revised", e.id.to_string(), &e.account, detail);
    state
        .table
        .transact(vec![
            estimates::save_header(&header, e.rev)?,
            estimates::put_version(&header, &version)?,
            audit::append(&s.tenant, &audit)?,
        ])
        .await?;
    reload(state, &s, req, &header, 0).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/void", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn void(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let e = &b.estimate;
    if e.status == EstimateStatus::Approved {
        return Err(ApiError::Conflict("approved", "An approved estimate is a signed agreement; it cannot be voided here.".into()));
    }
    let mut header = e.clone();
    header.status = transition(e.status, EstimateEvent::Void)?;
    header.rev += 1;
    let audit = entry(state, &s, req, "estimate.voided", e.id.to_string(), &e.account, serde_json::json!({ "number": e.number }));
    state.table.transact(vec![estimates::save_header(&header, e.rev)?, audit::append(&s.tenant, &audit)?]).await?;
    reload(state, &s, req, &header, 0).await
}

/// An estimate in staff lists, with its customer.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateRow {
    pub account: String,
    /// The customer's name.
    pub customer: Option<String>,
    #[serde(flatten)]
    pub summary: EstimateSummary,
}

#[utoipa::path(get, path = "/api/admin/estimates", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(draft|sent|viewed|approved|declined|changes_requested|expired|void)$", description = "sent (the default), draft, viewed, approved, declined, changes_requested, expired or void"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"), ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<EstimateRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
/// Estimates across customers by stored status, newest first (GSI1). An estimate whose
/// validity passed while `sent` is listed under `sent` and shown expired.
pub async fn list_estimates(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status: EstimateStatus = query_as(req, "status")?.unwrap_or(EstimateStatus::Sent);
    let (limit, after) = paging(req)?;
    let (estimates, next) = estimates::by_status(state.table.as_ref(), &s.tenant, status, limit, after).await?;
    let now = req.now;
    let names = customer_names(state, &s, estimates.iter().map(|e| &e.account)).await?;
    let rows: Vec<EstimateRow> = estimates
        .iter()
        .map(|e| EstimateRow {
            account: e.account.to_string(),
            customer: names.get(&e.account).cloned(),
            summary: EstimateSummary::of(e, now),
        })
        .collect();
    Ok(response::ok(&Paged { items: rows, next: next.map(|c| c.0) }))
}
