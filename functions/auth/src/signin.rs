//! Requesting a sign-in link, and asking for a fresh one from an expired link.
use jiff::SignedDuration;
use lambda_http::{Body, Request, Response};
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::party::{Contact, Email, Phone, Staff, Tenant};
use portal_domain::{FieldErrors, sha256_hex};
use portal_http::request::{MAX_BODY, json, origin};
use portal_http::token::Audience;
use portal_http::{ApiError, response};
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link, parse_link_token, rate_hit};
use portal_store::repo::{audit, auth, parties};

use crate::State;

/// Sign-in links expire after this long.
pub const LINK_MINUTES: i64 = 10;
/// Requests per source address per 15 minutes.
const PER_SOURCE: i64 = 20;
/// Requests per email address or phone number per 15 minutes.
const PER_ADDRESS: i64 = 5;
const WINDOW: i64 = 15 * 60;
/// A person who is a contact of several accounts gets a link for each, up to this many.
const MAX_LINKS: usize = 3;

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The contractor's slug or id (from the portal's address).
    pub tenant: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `portal` (customers, the default) or `admin` (staff).
    #[serde(default)]
    pub audience: Option<Audience>,
}

/// The one answer to every link request.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Accepted {
    pub status: String,
    pub message: String,
}

fn accepted() -> Response<Body> {
    response::json(
        202,
        &Accepted {
            status: "sent".into(),
            message: format!("If that address is on file, a sign-in link is on its way. It works once, for {LINK_MINUTES} minutes."),
        },
    )
}

/// The address a link goes to.
enum Address {
    Email(Email),
    Phone(Phone),
}

impl LinkRequest {
    fn parse(self) -> Result<(String, Address, Audience), ApiError> {
        let audience = self.audience.unwrap_or(Audience::Portal);
        let mut f = FieldErrors::new();
        let address = match (self.email, self.phone) {
            (Some(e), None) => {
                Email::try_from(e).map(Address::Email).map_err(|_| f.add("email", "must be an email address like name@example.com")).ok()
            }
            (None, Some(p)) if audience == Audience::Portal => {
                Phone::try_from(p).map(Address::Phone).map_err(|_| f.add("phone", "must be a phone number like +1 555 123 4567")).ok()
            }
            (None, Some(_)) => {
                f.add("phone", "staff sign in by email");
                None
            }
            _ => {
                f.add("email", "give an email address or a phone number");
                None
            }
        };
        if self.tenant.trim().is_empty() {
            f.add("tenant", "is required");
        }
        match address {
            Some(a) if f.is_empty() => Ok((self.tenant, a, audience)),
            _ => Err(ApiError::Invalid(f)),
        }
    }
}

/// Applies both rate limits; 429 when either is reached.
async fn limit(state: &State, tenant: &Tenant, origin: &Origin, address_key: &str) -> Result<(), ApiError> {
    let now = state.clock.now();
    let table = state.table.as_ref();
    let ip_ok = rate_hit(table, &tenant.id, "link-ip", &sha256_hex(origin.ip.as_bytes())[..32], now, WINDOW, PER_SOURCE).await?;
    let addr_ok = rate_hit(table, &tenant.id, "link-addr", &sha256_hex(address_key.as_bytes())[..32], now, WINDOW, PER_ADDRESS).await?;
    if ip_ok && addr_ok { Ok(()) } else { Err(ApiError::TooManyRequests) }
}

#[utoipa::path(post, path = "/api/auth/link", tag = "auth", request_body = LinkRequest,
    responses((status = 202, body = Accepted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody)))]
pub async fn request_link(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let (tenant_key, address, audience) = json::<LinkRequest>(req, MAX_BODY)?.parse()?;
    let origin = origin(req);
    let Some(tenant) = crate::find_tenant(state.table.as_ref(), &tenant_key).await? else {
        return Ok(accepted());
    };
    let key = match &address {
        Address::Email(e) => e.as_str().to_string(),
        Address::Phone(p) => p.as_str().to_string(),
    };
    limit(state, &tenant, &origin, &key).await?;
    match (audience, &address) {
        (Audience::Admin, Address::Email(email)) => {
            if let Some(staff) = parties::find_staff_by_email(state.table.as_ref(), &tenant.id, email).await?.filter(|s| s.active) {
                send_staff_link(state, &tenant, &staff, &origin).await?;
            }
        }
        (_, Address::Email(email)) => {
            let contacts = parties::find_contacts_by_email(state.table.as_ref(), &tenant.id, email).await?;
            for contact in contacts.iter().filter(|c| c.portal_enabled).take(MAX_LINKS) {
                send_contact_link(state, &tenant, contact, Some(&address), &origin).await?;
            }
        }
        (_, Address::Phone(phone)) => {
            let contacts = parties::find_contacts_by_phone(state.table.as_ref(), &tenant.id, phone).await?;
            for contact in contacts.iter().filter(|c| c.portal_enabled).take(MAX_LINKS) {
                send_contact_link(state, &tenant, contact, Some(&address), &origin).await?;
            }
        }
    }
    Ok(accepted())
}

/// Issues a sign-in link for a contact and sends it to `address` (or the contact's email,
/// else phone, on file).
async fn send_contact_link(
    state: &State,
    tenant: &Tenant,
    contact: &Contact,
    address: Option<&Address>,
    origin: &Origin,
) -> Result<(), ApiError> {
    let to = match address {
        Some(Address::Email(e)) => Some(Address::Email(e.clone())),
        Some(Address::Phone(p)) => Some(Address::Phone(p.clone())),
        None => contact.email.clone().map(Address::Email).or_else(|| contact.phone.clone().map(Address::Phone)),
    };
    let Some(to) = to else { return Ok(()) };
    let recipient = Recipient {
        subject: Subject::Contact { account: contact.account.clone(), contact: contact.id.clone() },
        actor: Actor::Contact { id: contact.id.to_string(), name: contact.name.clone() },
        audit_subject: contact.id.to_string(),
        account: Some(contact.account.clone()),
        page: "signin",
    };
    send_link(state, tenant, recipient, to, origin).await
}

async fn send_staff_link(state: &State, tenant: &Tenant, staff: &Staff, origin: &Origin) -> Result<(), ApiError> {
    let recipient = Recipient {
        subject: Subject::Staff { staff: staff.id.clone() },
        actor: Actor::Staff { id: staff.id.to_string(), name: staff.name.clone() },
        audit_subject: staff.id.to_string(),
        account: None,
        page: "admin/signin",
    };
    send_link(state, tenant, recipient, Address::Email(staff.email.clone()), origin).await
}

/// Who a sign-in link is for and where it leads.
struct Recipient {
    subject: Subject,
    actor: Actor,
    audit_subject: String,
    account: Option<portal_domain::ids::AccountId>,
    /// The page the link opens (`signin` for customers, `admin/signin` for staff).
    page: &'static str,
}

/// Issues a single-use sign-in link, records it with its audit entry, and sends it.
async fn send_link(state: &State, tenant: &Tenant, r: Recipient, to: Address, origin: &Origin) -> Result<(), ApiError> {
    let now = state.clock.now();
    let (token, link) =
        issue_link(state.ids.as_ref(), &tenant.id, r.subject, LinkPurpose::SignIn, now, SignedDuration::from_mins(LINK_MINUTES))?;
    let url = format!("{}/{}#token={token}", tenant.portal_url.trim_end_matches('/'), r.page);
    let channel = if matches!(to, Address::Email(_)) { "email" } else { "text" };
    let entry = AuditEntry::record(
        state.ids.as_ref(),
        now,
        r.actor,
        "auth.link_sent",
        Some(r.audit_subject),
        r.account,
        origin,
        serde_json::json!({ "channel": channel }),
    );
    state.table.transact(vec![link, audit::append(&tenant.id, &entry)?]).await?;
    match to {
        Address::Email(e) => state.mailer.send(&crate::mail::sign_in_email(tenant, &e, &url, LINK_MINUTES)).await,
        Address::Phone(p) => state.sms.send(&p, &crate::mail::sign_in_text(tenant, &url, LINK_MINUTES)).await,
    }
    .map_err(ApiError::internal)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// The token from the link (`ten_....<secret>`).
    pub token: String,
}

#[utoipa::path(post, path = "/api/auth/resend", tag = "auth", request_body = TokenBody,
    responses((status = 202, body = Accepted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody)))]
/// Sends a fresh sign-in link to the address on file for the person an expired or used link
/// was for. Answers the same whatever the token.
pub async fn resend(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let body: TokenBody = json(req, MAX_BODY)?;
    let Some((tenant_id, hash)) = parse_link_token(&body.token) else {
        return Ok(accepted());
    };
    let origin = origin(req);
    let (Some(tenant), Some(link)) =
        (parties::get_tenant(state.table.as_ref(), &tenant_id).await?, auth::get_link(state.table.as_ref(), &tenant_id, &hash).await?)
    else {
        return Ok(accepted());
    };
    match &link.subject {
        Subject::Contact { account, contact } => {
            limit(state, &tenant, &origin, contact.as_str()).await?;
            if let Some(c) = parties::get_contact(state.table.as_ref(), &tenant.id, account, contact).await?.filter(|c| c.portal_enabled) {
                send_contact_link(state, &tenant, &c, None, &origin).await?;
            }
        }
        Subject::Staff { staff } => {
            limit(state, &tenant, &origin, staff.as_str()).await?;
            if let Some(s) = parties::get_staff(state.table.as_ref(), &tenant.id, staff).await?.filter(|s| s.active) {
                send_staff_link(state, &tenant, &s, &origin).await?;
            }
        }
    }
    Ok(accepted())
}
