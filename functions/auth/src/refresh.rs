//! Keeping a session: the rotating refresh token (a replayed one revokes the session) and
//! signing out.
use jiff::Timestamp;
use lambda_http::{Body, Response};
use portal_domain::ids::{SessionId, TenantId};
use portal_http::Call;
use portal_http::request::{MAX_BODY, cookie};
use portal_http::token::Audience;
use portal_http::{ApiError, response};
use portal_store::StoreError;
use portal_store::repo::auth::{self, SessionRecord, secret_hash};
use subtle::ConstantTimeEq;

use crate::State;
use crate::session::{SessionResponse, mint, principal, set_cookie};

#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// Which session to refresh: `portal` (default) or `admin`.
    #[schema(value_type = Option<String>, pattern = "^(portal|admin)$")]
    pub audience: Option<Audience>,
}

/// The audience named in an optional JSON body.
fn requested_audience(req: &Call) -> Result<Audience, ApiError> {
    Ok(portal_http::request::json_or_default::<RefreshRequest>(req, MAX_BODY)?.audience.unwrap_or(Audience::Portal))
}

/// Splits `{tenant}.{session}.{secret}`.
fn parse_refresh(token: &str) -> Option<(TenantId, SessionId, String)> {
    let mut parts = token.splitn(3, '.');
    let (t, s, secret) = (parts.next()?, parts.next()?, parts.next()?);
    Some((t.parse().ok()?, s.parse().ok()?, secret.to_string()))
}

#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body(content = Option<RefreshRequest>),
    responses((status = 200, body = SessionResponse, description = "New access token; the refresh cookie is rotated"),
              (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn refresh(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let audience = requested_audience(req)?;
    let expired = || ApiError::Unauthorized("Your session has ended. Sign in again.");
    let token = cookie(req, audience.cookie()).ok_or_else(expired)?;
    let (tenant, session_id, secret) = parse_refresh(&token).ok_or_else(expired)?;
    let record = auth::get_session(state.table.as_ref(), &tenant, &session_id).await?.ok_or_else(expired)?;
    let now = req.now;
    if record.revoked || record.expires_epoch <= now.as_second() || record.audience != audience.as_str() {
        return Err(expired());
    }
    let who = principal(state, &tenant, &record.subject).await?;
    let next = match rotation(state, &tenant, &session_id, record, &secret, now).await? {
        Rotation::Next(next) => next,
        Rotation::Reused => {
            state.table.update(auth::revoke_session(&tenant, &session_id)).await?;
            tracing::warn!("refresh token reuse; session revoked");
            return Err(expired());
        }
        Rotation::Unknown => return Err(expired()),
    };
    let scope = if audience == Audience::Admin { "admin" } else { "portal" };
    let session = mint(state, &tenant, &who, scope, now).await?;
    let remaining = next.expires_epoch - now.as_second();
    let cookie = set_cookie(audience, &format!("{tenant}.{session_id}.{}", next.secret), remaining);
    Ok(response::with_header(response::ok(&session), "set-cookie", &cookie))
}

/// What a presented refresh secret turns out to be.
enum Rotation {
    /// Live: here is its successor.
    Next(Next),
    /// One of this session's replaced secrets, out of its grace: a copy is about.
    Reused,
    /// Not a secret this session remembers (made up, or older than it keeps): refused,
    /// and the session is left alone, so knowing a session id is not enough to end it.
    Unknown,
}

/// The refresh secret that follows a presented one.
struct Next {
    secret: String,
    expires_epoch: i64,
}

/// Whether `hash` is the stored `expected` hash, in constant time.
fn same_hash(hash: &str, expected: &str) -> bool {
    bool::from(hash.as_bytes().ct_eq(expected.as_bytes()))
}

/// What `secret` is for this session. The current secret rotates (conditionally: of two racing
/// refreshes one rotates, and the other is answered as a request with the secret just
/// replaced); the secret just replaced, within [`auth::REUSE_GRACE_SECONDS`], gets the
/// successor already issued; a replaced secret otherwise means reuse.
async fn rotation(
    state: &State,
    tenant: &TenantId,
    session_id: &SessionId,
    mut record: SessionRecord,
    secret: &str,
    now: Timestamp,
) -> Result<Rotation, ApiError> {
    let presented = secret_hash(secret);
    for _ in 0..2 {
        if same_hash(&presented, &record.current_hash) {
            let (nonce, _) = auth::new_secret(state.ids.as_ref());
            let (next, next_hash) = auth::successor(&nonce, secret);
            match state.table.update(auth::rotate_session(&record, &nonce, &next_hash, now)).await {
                Ok(_) => return Ok(Rotation::Next(Next { secret: next, expires_epoch: record.expires_epoch })),
                // Another request rotated it first: read what it issued and answer as below.
                Err(StoreError::ConditionFailed) => {
                    record = match auth::get_session(state.table.as_ref(), tenant, session_id).await? {
                        Some(r) if !r.revoked => r,
                        _ => return Ok(Rotation::Unknown),
                    };
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if record.previous_hash.as_deref().is_some_and(|h| same_hash(&presented, h)) {
            let in_grace = now.as_second() - record.rotated_epoch <= auth::REUSE_GRACE_SECONDS;
            if in_grace && !record.nonce.is_empty() {
                // The browser never stored the answer (a navigation cancelled it) or another
                // tab won the race: the same successor again, so there is still one live token.
                let (next, next_hash) = auth::successor(&record.nonce, secret);
                if same_hash(&next_hash, &record.current_hash) {
                    return Ok(Rotation::Next(Next { secret: next, expires_epoch: record.expires_epoch }));
                }
            }
            return Ok(if in_grace { Rotation::Unknown } else { Rotation::Reused });
        }
        let retired = record.retired.iter().fold(false, |found, h| found | same_hash(&presented, h));
        return Ok(if retired { Rotation::Reused } else { Rotation::Unknown });
    }
    Ok(Rotation::Unknown)
}

#[utoipa::path(post, path = "/api/auth/signout", tag = "auth", request_body(content = Option<RefreshRequest>),
    responses((status = 200, description = "Signed out; the refresh cookie is cleared")))]
/// Revokes the session of the refresh cookie and clears the cookie. Always succeeds; only a
/// cookie holding the session's current secret (or the one just replaced) revokes it, so
/// knowing a session's id is not enough to end someone else's session.
pub async fn sign_out(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let audience = requested_audience(req)?;
    if let Some((tenant, session_id, secret)) = cookie(req, audience.cookie()).as_deref().and_then(parse_refresh)
        && let Some(record) = auth::get_session(state.table.as_ref(), &tenant, &session_id).await?
    {
        let presented = secret_hash(&secret);
        let holds =
            same_hash(&presented, &record.current_hash) || record.previous_hash.as_deref().is_some_and(|h| same_hash(&presented, h));
        if holds {
            match state.table.update(auth::revoke_session(&tenant, &session_id)).await {
                Ok(_) | Err(StoreError::ConditionFailed) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let body = serde_json::json!({"status": "signed_out"});
    Ok(response::with_header(response::ok(&body), "set-cookie", &set_cookie(audience, "", 0)))
}
