//! Requesting a sign-in link, and asking for a fresh one from an expired link.
use lambda_http::{Body, Response};
use portal_app::notify::LINK_MINUTES;
use portal_domain::ids::OutboxId;
use portal_domain::outbox::{Notice, OutboxMessage, SignInAsk, SignInBy};
use portal_domain::party::{Email, Phone, Tenant};
use portal_domain::{FieldErrors, sha256_hex};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json};
use portal_http::token::Audience;
use portal_http::{ApiError, response};
use portal_store::repo::auth::{parse_link_token, rate_hit};
use portal_store::repo::outbox;
use portal_store::repo::parties;

use crate::State;

/// Requests per source address per 15 minutes.
const PER_SOURCE: i64 = 20;
/// Requests per email address or phone number per 15 minutes.
const PER_ADDRESS: i64 = 5;
const WINDOW: i64 = 15 * 60;

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The contractor's slug or id (from the portal's address).
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub tenant: String,
    /// One of `email` and `phone` (staff: `email`).
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// `portal` (customers, the default) or `admin` (staff).
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(portal|admin)$")]
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
            return Err(ApiError::Invalid(FieldErrors::one("tenant", "is required")));
        }
        // Which address, and whether it is one: rules no schema states.
        match address {
            Some(a) if f.is_empty() => Ok((self.tenant, a, audience)),
            _ => Err(ApiError::Unprocessable(f)),
        }
    }
}

/// Applies both rate limits; 429 when either is reached.
async fn limit(state: &State, req: &Call, tenant: &Tenant, address_key: &str) -> Result<(), ApiError> {
    let (now, origin) = (req.now, &req.origin);
    let table = state.table.as_ref();
    let ip_ok = rate_hit(table, &tenant.id, "link-ip", &sha256_hex(origin.ip.as_bytes())[..32], now, WINDOW, PER_SOURCE).await?;
    let addr_ok = rate_hit(table, &tenant.id, "link-addr", &sha256_hex(address_key.as_bytes())[..32], now, WINDOW, PER_ADDRESS).await?;
    if ip_ok && addr_ok { Ok(()) } else { Err(ApiError::TooManyRequests) }
}

#[utoipa::path(post, path = "/api/auth/link", tag = "auth", request_body = LinkRequest,
    responses((status = 202, body = Accepted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 413, body = portal_http::error::ErrorBody),
              (status = 415, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody, description = "no email or phone, or not one"),
              (status = 429, body = portal_http::error::ErrorBody)))]
/// Queues the request for the outbox sender, which finds who the address belongs to and sends
/// the links: known and unknown addresses do the same work before this answers.
pub async fn request_link(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (tenant_key, address, audience) = json::<LinkRequest>(req, MAX_BODY)?.parse()?;
    let Some(tenant) = crate::find_tenant(state.table.as_ref(), &tenant_key).await? else {
        return Ok(accepted());
    };
    let (key, by) = match address {
        Address::Email(email) => (email.as_str().to_string(), SignInBy::Email { email, admin: audience == Audience::Admin }),
        Address::Phone(phone) => (phone.as_str().to_string(), SignInBy::Phone { phone }),
    };
    limit(state, req, &tenant, &key).await?;
    queue(state, req, &tenant, by).await?;
    Ok(accepted())
}

/// Puts a sign-in request in the outbox (one write, whoever it turns out to be for).
async fn queue(state: &State, req: &Call, tenant: &Tenant, by: SignInBy) -> Result<(), ApiError> {
    let origin = req.origin.clone();
    let message = OutboxMessage {
        id: OutboxId::generate(state.ids.as_ref()),
        account: None,
        created_at: req.now,
        notice: Notice::SignInRequested { ask: Some(SignInAsk { by, ip: origin.ip, user_agent: origin.user_agent }) },
    };
    state.table.transact(vec![outbox::enqueue(&tenant.id, message)?]).await?;
    Ok(())
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
pub async fn resend(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: TokenBody = json(req, MAX_BODY)?;
    let Some((tenant_id, hash)) = parse_link_token(&body.token) else {
        return Ok(accepted());
    };
    let Some(tenant) = parties::get_tenant(state.table.as_ref(), &tenant_id).await? else {
        return Ok(accepted());
    };
    // Limited per old link: it stands for the one person it was sent to.
    limit(state, req, &tenant, &hash).await?;
    queue(state, req, &tenant, SignInBy::Resend { link: hash }).await?;
    Ok(accepted())
}
