//! auth: customers and staff sign in without passwords.
//!
//! A link is requested by email or phone (the answer never says whether the address is on
//! file); the emailed token is spent by an explicit POST (so mail scanners cannot burn it) and
//! becomes a short-lived EdDSA access token plus a rotating, revocable refresh token in an
//! HttpOnly cookie. Only this function holds the signing key.
//!
//! # Layout
//! - `lib.rs`: routes, state, dispatch, the public tenant profile.
//! - [`signin`]: requesting and resending links, with rate limits (the outbox sender sends
//!   them: `portal_app::notify`).
//! - [`session`]: spending links, refreshing, signing out, minting tokens.
pub mod refresh;
pub mod session;
pub mod signin;

use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_domain::ids::TenantId;
use portal_domain::party::Tenant;
use portal_domain::ports::{Clock, Ids, SecretSource};
use portal_http::Call;
use portal_http::request::path;
use portal_http::token::{KeyFile, Signer};
use portal_http::{ApiError, response};
use portal_store::Table;
use portal_store::repo::parties;

/// The routes this function serves, exactly as `template.yaml` declares them.
/// Everything the handler needs, built once per process.
pub struct State {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    keys: Arc<dyn SecretSource>,
    /// Built from the key source on first use: no network at start-up.
    signer: tokio::sync::OnceCell<(Signer, portal_http::token::Verifier)>,
}

impl State {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>, keys: Arc<dyn SecretSource>) -> Self {
        Self { table, clock, ids, keys, signer: tokio::sync::OnceCell::new() }
    }

    pub fn build(deps: &portal_http::function::Deps) -> Result<Self, portal_http::function::Missing> {
        let keys = portal_http::function::Deps::need("auth", "the signing key (SIGNING_KEY_SECRET)", &deps.signing_key)?;
        Ok(Self::new(deps.table.clone(), deps.clock.clone(), deps.ids.clone(), keys))
    }

    async fn keys(&self) -> Result<&(Signer, portal_http::token::Verifier), ApiError> {
        self.signer
            .get_or_try_init(|| async {
                let json = self.keys.secret().await.map_err(ApiError::internal)?;
                let file: KeyFile = serde_json::from_str(&json).map_err(ApiError::internal)?;
                let jwks = file.public_jwks()?;
                let verifier = portal_http::token::Verifier::new(
                    portal_http::token::PublicKeys::from_jwks(&jwks).map_err(|e| ApiError::Internal(e.into()))?,
                );
                Ok((file.signer()?, verifier))
            })
            .await
    }

    async fn signer(&self) -> Result<&Signer, ApiError> {
        Ok(&self.keys().await?.0)
    }

    /// Verifies tokens this function signed (a staff token asking to view as a customer).
    async fn verifier(&self) -> Result<&portal_http::token::Verifier, ApiError> {
        Ok(&self.keys().await?.1)
    }
}

portal_http::http_function! {
    name: "auth",
    routes: {
        "POST /api/auth/link" => signin::request_link,
        "POST /api/auth/resend" => signin::resend,
        "POST /api/auth/session" => session::exchange,
        "POST /api/auth/link-info" => session::link_info,
        "POST /api/auth/refresh" => refresh::refresh,
        "POST /api/auth/signout" => refresh::sign_out,
        "POST /api/auth/view-as" => session::view_as,
        "GET /api/auth/tenant/{tenant}" => tenant_profile,
    },
}

/// What anyone may know about a contractor: shown on the sign-in page before a token is spent.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TenantProfile {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub branding: portal_domain::party::Branding,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    /// Shown on the portal's home page.
    pub welcome_message: String,
    pub locale: String,
    /// Which parts of the portal the contractor shows.
    pub sections: portal_domain::party::PortalSections,
    /// When the business works (the windows a customer may ask for), in `time_zone`.
    pub working_hours: portal_domain::job::WorkingHours,
    pub time_zone: String,
    /// The business's public review pages, offered after every rating whatever its score.
    pub review_links: Vec<portal_domain::review::ReviewLink>,
}

impl From<&Tenant> for TenantProfile {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            slug: t.slug.clone(),
            name: t.name.clone(),
            branding: t.branding.clone(),
            support_email: t.support_email.as_ref().map(|e| e.as_str().to_string()),
            support_phone: t.support_phone.as_ref().map(|p| p.as_str().to_string()),
            welcome_message: t.welcome_message.clone(),
            locale: t.locale.clone(),
            sections: t.sections,
            working_hours: t.working_hours.clone(),
            time_zone: t.time_zone.clone(),
            review_links: t.review_links.listed(),
        }
    }
}

/// Looks a tenant up by id (`ten_...`, as in link tokens) or by its public slug.
pub async fn find_tenant(table: &dyn Table, key: &str) -> Result<Option<Tenant>, ApiError> {
    if let Ok(id) = key.parse::<TenantId>() {
        return Ok(parties::get_tenant(table, &id).await?);
    }
    if key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Ok(None);
    }
    Ok(parties::find_tenant_by_slug(table, key).await?)
}

#[utoipa::path(get, path = "/api/auth/tenant/{tenant}", tag = "auth",
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    responses((status = 200, body = TenantProfile), (status = 404, body = portal_http::error::ErrorBody)))]
async fn tenant_profile(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let key: String = path::<TenantKey>(req, "tenant", "contractor")?.0;
    let tenant = find_tenant(state.table.as_ref(), &key).await?.ok_or(ApiError::NotFound("contractor"))?;
    Ok(response::ok(&TenantProfile::from(&tenant)))
}

/// A tenant id or slug from a path (any short text; looked up, never trusted).
struct TenantKey(String);

impl std::str::FromStr for TenantKey {
    type Err = portal_domain::DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() <= 64 { Ok(Self(s.to_string())) } else { Err(portal_domain::DomainError::invalid("tenant", "is too long")) }
    }
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    signin::request_link,
    signin::resend,
    session::exchange,
    session::link_info,
    refresh::refresh,
    refresh::sign_out,
    session::view_as,
    tenant_profile
))]
pub struct Api;
