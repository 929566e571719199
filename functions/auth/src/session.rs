//! Spending a link for a session, refreshing it, signing out.
//!
//! A refresh token is `{tenant}.{session}.{secret}`; the session item keeps the hash of the
//! current secret and of the one before it. Refreshing swaps them conditionally, so two
//! refreshes with one token cannot both win. Within a short grace the token just replaced is
//! answered with the same successor (derived from it and the rotation's salt), never a second
//! live token; a replaced secret the session remembers (the previous one after the grace, or
//! one of the retired) means a copy is about and revokes the whole session; a secret it does not
//! know is refused and ends nothing.
use jiff::Timestamp;
use lambda_http::{Body, Response};
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{SessionId, TenantId};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json};
use portal_http::session::Scope;
use portal_http::token::{Audience, Claims, ISSUER};
use portal_http::{ApiError, response};
use portal_store::repo::auth::{self, LinkPurpose, LinkRecord, SessionRecord, Subject, parse_link_token};
use portal_store::repo::{audit, parties};
use portal_store::{StoreError, Write};

use crate::State;
use crate::signin::TokenBody;

/// A new access token, and (for a sign-in) the refresh cookie.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionResponse {
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    #[schema(value_type = String)]
    pub audience: Audience,
    pub scope: String,
    pub tenant: String,
    pub account: Option<String>,
    pub contact: Option<String>,
    pub staff: Option<String>,
    pub role: String,
    /// For a document link: the estimate it opens.
    pub estimate: Option<String>,
    /// For a document link: the invoice it opens.
    pub invoice: Option<String>,
    /// For a review request's link: the job it rates.
    pub rating: Option<String>,
}

/// Who the session is for, as resolved from the store (role and limits as they are now).
pub(crate) struct Principal {
    subject: Subject,
    name: String,
    role: String,
    props: Option<Vec<String>>,
    /// Links issued before this were withdrawn by the office.
    links_withdrawn_at: Option<Timestamp>,
}

impl Principal {
    fn actor(&self) -> Actor {
        match &self.subject {
            Subject::Contact { contact, .. } => Actor::Contact { id: contact.to_string(), name: self.name.clone() },
            Subject::Staff { staff } => Actor::Staff { id: staff.to_string(), name: self.name.clone() },
        }
    }
    fn audience(&self) -> Audience {
        match self.subject {
            Subject::Contact { .. } => Audience::Portal,
            Subject::Staff { .. } => Audience::Admin,
        }
    }
}

/// Loads the contact or staff member, refusing disabled ones.
pub(crate) async fn principal(state: &State, tenant: &TenantId, subject: &Subject) -> Result<Principal, ApiError> {
    let off = ApiError::Forbidden("Portal access is switched off for you. Please contact the office.");
    match subject {
        Subject::Contact { account, contact } => {
            let c = parties::get_contact(state.table.as_ref(), tenant, account, contact).await?.filter(|c| c.portal_enabled).ok_or(off)?;
            Ok(Principal {
                subject: subject.clone(),
                name: c.name,
                role: c.role.as_str().to_string(),
                props: c.properties.map(|p| p.iter().map(ToString::to_string).collect()),
                links_withdrawn_at: c.activity.links_withdrawn_at,
            })
        }
        Subject::Staff { staff } => {
            let s = parties::get_staff(state.table.as_ref(), tenant, staff).await?.filter(|s| s.active).ok_or(off)?;
            Ok(Principal {
                subject: subject.clone(),
                name: s.name,
                role: s.role.as_str().to_string(),
                props: None,
                links_withdrawn_at: None,
            })
        }
    }
}

pub(crate) async fn mint(
    state: &State,
    tenant: &TenantId,
    p: &Principal,
    scope: &str,
    now: Timestamp,
) -> Result<SessionResponse, ApiError> {
    mint_as(state, tenant, p, scope, None, now).await
}

/// Mints an access token; `viewer` is the staff member looking through a customer's eyes
/// (scope `portal:read`).
async fn mint_as(
    state: &State,
    tenant: &TenantId,
    p: &Principal,
    scope: &str,
    viewer: Option<String>,
    now: Timestamp,
) -> Result<SessionResponse, ApiError> {
    let audience = p.audience();
    let (account, contact, staff) = match &p.subject {
        Subject::Contact { account, contact } => (Some(account.to_string()), Some(contact.to_string()), viewer),
        Subject::Staff { staff } => (None, None, Some(staff.to_string())),
    };
    let ttl = audience.ttl_seconds();
    // What the contractor hides now, so every customer route can refuse it without a read.
    let hidden = match audience {
        Audience::Portal => parties::get_tenant(state.table.as_ref(), tenant).await?.map(|t| t.sections.hidden()).unwrap_or_default(),
        Audience::Admin => Vec::new(),
    };
    let claims = Claims {
        iss: ISSUER.into(),
        aud: audience.as_str().into(),
        sub: contact.clone().or(staff.clone()).unwrap_or_default(),
        name: p.name.clone(),
        iat: now.as_second(),
        exp: now.as_second() + ttl,
        jti: state.ids.id("jti"),
        tenant: tenant.to_string(),
        account: account.clone(),
        contact: contact.clone(),
        staff: staff.clone(),
        role: p.role.clone(),
        scope: scope.to_string(),
        props: p.props.clone(),
        hidden,
    };
    let access_token = state.signer().await?.sign(&claims)?;
    let document = Scope::parse(scope).and_then(|s| s.document());
    let opens = |kind: &str| document.as_ref().filter(|(k, _)| *k == kind).map(|(_, id)| id.clone());
    let (estimate, invoice, rating) = (opens("estimate"), opens("invoice"), opens("rating"));
    Ok(SessionResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ttl,
        audience,
        scope: scope.to_string(),
        tenant: tenant.to_string(),
        account,
        contact,
        staff,
        role: p.role.clone(),
        estimate,
        invoice,
        rating,
    })
}

pub(crate) fn set_cookie(audience: Audience, value: &str, max_age: i64) -> String {
    format!("{}={value}; Path=/api/auth; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}", audience.cookie())
}

/// The scope a document link grants; `None` for a sign-in link.
fn document_scope(purpose: &LinkPurpose) -> Option<Scope> {
    let has = |rights: &[String], r: &str| rights.iter().any(|x| x == r);
    match purpose {
        LinkPurpose::SignIn => None,
        LinkPurpose::Estimate { estimate, rights } => Some(Scope::Estimate { id: estimate.clone(), sign: has(rights, "sign") }),
        LinkPurpose::Invoice { invoice, rights } => Some(Scope::Invoice { id: invoice.clone(), pay: has(rights, "pay") }),
        LinkPurpose::Rating { job } => Some(Scope::Rating { job: job.clone() }),
    }
}

fn link_state_error(link: &LinkRecord, now: Timestamp) -> ApiError {
    if link.used_at.is_some() && matches!(link.purpose, LinkPurpose::SignIn) {
        ApiError::Gone("link_used", "This sign-in link was already used. We can send you a fresh one.".into())
    } else if link.expires_at <= now {
        ApiError::Gone("link_expired", "This link has expired. We can send you a fresh one.".into())
    } else {
        ApiError::Conflict("conflict", "This link is being used right now. Try again.".into())
    }
}

/// What a link opens, said on its landing page before the link is spent.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkInfo {
    /// The contractor's name.
    pub business: String,
    /// `portal` (a sign-in link), `admin` (a staff sign-in link), `estimate`, `invoice`, or
    /// `rating` (a review request: the job's number and title).
    pub opens: String,
    /// The document's printed number (`E-1042`, `INV-2031`), for a document link.
    pub number: Option<String>,
    /// What the document is for (`Main panel upgrade`).
    pub title: Option<String>,
    /// The link can no longer be used (spent, expired or withdrawn): a fresh one can be asked for.
    pub stale: bool,
    /// Why, when it is stale, in words for the person holding it.
    pub message: Option<String>,
}

#[utoipa::path(post, path = "/api/auth/link-info", tag = "auth", request_body = TokenBody,
    responses((status = 200, body = LinkInfo), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody, description = "not a link of ours"),
              (status = 415, body = portal_http::error::ErrorBody)))]
/// Says what a link opens without spending it (so the landing page can say "Estimate E-1042
/// from Bright Spark Electric"); it tells nothing the link's holder would not see on pressing
/// Continue, and changes nothing.
pub async fn link_info(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: TokenBody = json(req, MAX_BODY)?;
    let invalid = || ApiError::Unauthorized("This link is not valid. Check that you opened the whole link, or ask for a new one.");
    let (tenant_id, hash) = parse_link_token(&body.token).ok_or_else(invalid)?;
    let link = auth::get_link(state.table.as_ref(), &tenant_id, &hash).await?.ok_or_else(invalid)?;
    let tenant = parties::get_tenant(state.table.as_ref(), &tenant_id).await?.ok_or_else(invalid)?;
    let now = req.now;
    let spent = link.expires_at <= now || (link.used_at.is_some() && matches!(link.purpose, LinkPurpose::SignIn));
    // What Continue would refuse says nothing about the document: a switched-off contact, a
    // withdrawn link.
    let withdrawn = match principal(state, &tenant_id, &link.subject).await {
        Ok(who) => who.links_withdrawn_at.is_some_and(|at| link.created_at <= at),
        // Access switched off: Continue says so; nothing about the document here.
        Err(_) => {
            return Ok(response::ok(&LinkInfo {
                business: tenant.name,
                opens: "portal".into(),
                number: None,
                title: None,
                stale: false,
                message: None,
            }));
        }
    };
    if spent || withdrawn {
        let message = if spent {
            link_state_error(&link, now).to_string()
        } else {
            "The office withdrew this link. We can send you a fresh one.".to_string()
        };
        return Ok(response::ok(&LinkInfo {
            business: tenant.name,
            opens: "portal".into(),
            number: None,
            title: None,
            stale: true,
            message: Some(message),
        }));
    }
    let stale = false;
    let account = match &link.subject {
        Subject::Contact { account, .. } => Some(account.clone()),
        Subject::Staff { .. } => None,
    };
    let (opens, number, title) = match (&link.purpose, &account) {
        (LinkPurpose::SignIn, None) => ("admin", None, None),
        (LinkPurpose::SignIn, Some(_)) => ("portal", None, None),
        (LinkPurpose::Estimate { estimate, .. }, Some(a)) => {
            let e = portal_store::repo::estimates::load(state.table.as_ref(), &tenant_id, a, estimate).await?.map(|b| b.estimate);
            ("estimate", e.as_ref().map(|e| e.number.clone()), e.map(|e| e.title))
        }
        (LinkPurpose::Invoice { invoice, .. }, Some(a)) => {
            let i = portal_store::repo::invoices::load(state.table.as_ref(), &tenant_id, a, invoice).await?.map(|b| b.invoice);
            ("invoice", i.as_ref().map(|i| i.number.clone()), i.map(|i| i.what_for()))
        }
        (LinkPurpose::Rating { job }, Some(a)) => {
            let j = portal_store::repo::jobs::load(state.table.as_ref(), &tenant_id, a, job).await?.map(|b| b.job);
            ("rating", j.as_ref().map(|j| j.number.clone()), j.map(|j| j.title))
        }
        (_, None) => return Err(invalid()),
    };
    Ok(response::ok(&LinkInfo { business: tenant.name, opens: opens.into(), number, title, stale, message: None }))
}

#[utoipa::path(post, path = "/api/auth/session", tag = "auth", request_body = TokenBody,
    responses((status = 200, body = SessionResponse, description = "Signed in; a sign-in link also sets the refresh cookie"),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 410, body = portal_http::error::ErrorBody, description = "link_used or link_expired")))]
/// Spends a link: a sign-in link once, for the whole portal; a document link (until it
/// expires) for that document only.
pub async fn exchange(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: TokenBody = json(req, MAX_BODY)?;
    let invalid = || ApiError::Unauthorized("This link is not valid. Check that you opened the whole link, or ask for a new one.");
    let (tenant, hash) = parse_link_token(&body.token).ok_or_else(invalid)?;
    let link = auth::get_link(state.table.as_ref(), &tenant, &hash).await?.ok_or_else(invalid)?;
    let now = req.now;
    let origin = req.origin.clone();
    let stale = link.expires_at <= now || (link.used_at.is_some() && matches!(link.purpose, LinkPurpose::SignIn));
    if stale {
        return Err(link_state_error(&link, now));
    }
    let who = principal(state, &tenant, &link.subject).await?;
    if who.links_withdrawn_at.is_some_and(|at| link.created_at <= at) {
        return Err(ApiError::Gone("link_expired", "The office withdrew this link. We can send you a fresh one.".into()));
    }
    let account = match &link.subject {
        Subject::Contact { account, .. } => Some(account.clone()),
        Subject::Staff { .. } => None,
    };
    match document_scope(&link.purpose) {
        Some(scope) => {
            let document = scope.document().map(|(_, id)| id);
            let entry = audit_entry(state, now, &who, "auth.document_link_opened", document, account, &origin);
            state.table.transact(vec![audit::append(&tenant, &entry)?]).await?;
            let session = mint(state, &tenant, &who, &scope.render(), now).await?;
            Ok(response::ok(&session))
        }
        None => {
            let audience = who.audience();
            let scope = if audience == Audience::Admin { "admin" } else { "portal" };
            let (secret, secret_hash) = auth::new_secret(state.ids.as_ref());
            let session_id = SessionId::generate(state.ids.as_ref());
            let expires = now.as_second() + audience.session_seconds();
            let record = SessionRecord {
                id: session_id.clone(),
                tenant: tenant.clone(),
                subject: link.subject.clone(),
                audience: audience.as_str().into(),
                role: who.role.clone(),
                current_hash: secret_hash,
                previous_hash: None,
                rotated_epoch: now.as_second(),
                nonce: String::new(),
                retired: Vec::new(),
                created_at: now,
                expires_epoch: expires,
                revoked: false,
                ttl: expires + 24 * 3600,
            };
            let entry = audit_entry(state, now, &who, "auth.signed_in", None, account, &origin);
            let writes =
                vec![Write::Update(auth::consume_link(&tenant, &hash, now)), auth::put_session(&record)?, audit::append(&tenant, &entry)?];
            match state.table.transact(writes).await {
                Ok(()) => {}
                Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => {
                    // Spent or expired between our read and the write: say which.
                    let now_link = auth::get_link(state.table.as_ref(), &tenant, &hash).await?.ok_or_else(invalid)?;
                    return Err(link_state_error(&now_link, req.now));
                }
                Err(e) => return Err(e.into()),
            }
            if let Subject::Contact { account, contact } = &link.subject {
                // For the adoption figures; a failure here must not fail the sign-in.
                if let Err(e) = portal_app::customers::signed_in(state.table.as_ref(), &tenant, account, contact, now).await {
                    tracing::warn!(error = %e, "sign-in not stamped on the contact");
                }
            }
            let session = mint(state, &tenant, &who, scope, now).await?;
            let refresh = format!("{tenant}.{session_id}.{secret}");
            Ok(response::with_header(response::ok(&session), "set-cookie", &set_cookie(audience, &refresh, audience.session_seconds())))
        }
    }
}

fn audit_entry(
    state: &State,
    now: Timestamp,
    who: &Principal,
    action: &str,
    subject: Option<String>,
    account: Option<portal_domain::ids::AccountId>,
    origin: &Origin,
) -> AuditEntry {
    AuditEntry::record(state.ids.as_ref(), now, who.actor(), action, subject, account, origin, serde_json::json!({}))
}

/// Which customer to look at.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewAs {
    pub account: portal_domain::ids::AccountId,
    pub contact: portal_domain::ids::ContactId,
}

/// Staff view a customer's portal as one of its contacts sees it: a short read-only token
/// (`portal:read`; it cannot approve, decline or pay), recorded in the customer's audit log.
/// Needs a staff token; no refresh token is issued (the admin page asks again).
#[utoipa::path(post, path = "/api/auth/view-as", tag = "auth", security(("bearer" = [])), request_body = ViewAs,
    responses((status = 200, body = SessionResponse), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn view_as(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let now = req.now;
    let staff = portal_http::session::StaffSession::from_request(req, state.verifier().await?, now)?;
    let body: ViewAs = portal_http::request::json(req, portal_http::request::MAX_BODY)?;
    let contact = parties::get_contact(state.table.as_ref(), &staff.tenant, &body.account, &body.contact)
        .await?
        .ok_or(ApiError::NotFound("contact"))?;
    let who = Principal {
        subject: Subject::Contact { account: body.account.clone(), contact: body.contact.clone() },
        name: contact.name.clone(),
        role: contact.role.as_str().to_string(),
        props: contact.properties.as_ref().map(|p| p.iter().map(ToString::to_string).collect()),
        links_withdrawn_at: None,
    };
    let entry = AuditEntry::record(
        state.ids.as_ref(),
        now,
        staff.actor(),
        "auth.viewed_as",
        Some(body.contact.to_string()),
        Some(body.account.clone()),
        &req.origin,
        serde_json::json!({ "contact": body.contact, "name": contact.name }),
    );
    state.table.transact(vec![audit::append(&staff.tenant, &entry)?]).await?;
    let session = mint_as(state, &staff.tenant, &who, &Scope::ReadOnly.render(), Some(staff.staff.to_string()), now).await?;
    Ok(response::ok(&session))
}
