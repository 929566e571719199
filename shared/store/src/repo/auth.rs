//! Sign-in links, document links, refresh-token sessions and rate-limit counters. Tokens are
//! never stored: links are keyed by the SHA-256 of their token, sessions keep a hash.
use jiff::Timestamp;
use portal_domain::ids::{AccountId, ContactId, EstimateId, InvoiceId, SessionId, StaffId, TenantId};

use crate::keys;
use crate::record::{from_item, to_item};
use crate::table::{Cond, StoreError, Table, Update, Write};

/// Who a link or session is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Contact { account: AccountId, contact: ContactId },
    Staff { staff: StaffId },
}

/// What a link opens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkPurpose {
    /// Signs in to the whole portal (or admin page). Single use.
    SignIn,
    /// Opens one estimate with limited rights until it expires (usable more than once, so a
    /// customer can reopen the email; it never reaches the rest of the account).
    Estimate { estimate: EstimateId, rights: Vec<String> },
    /// Opens one invoice (view, pay) the same way.
    Invoice { invoice: InvoiceId, rights: Vec<String> },
    /// Opens one completed job's rating page from a review request (usable more than once
    /// until it expires, so the customer can come back and change their rating).
    Rating { job: portal_domain::ids::JobId },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkRecord {
    pub tenant: TenantId,
    pub subject: Subject,
    pub purpose: LinkPurpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// Epoch seconds of `expires_at`, for conditions.
    pub expires_epoch: i64,
    /// Absent until spent: the spend is conditional on the attribute not existing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<Timestamp>,
    /// DynamoDB TTL: kept a while after expiry so an expired link can offer a fresh one.
    pub ttl: i64,
}

/// How long after expiry an expired link can still ask for a fresh one.
pub const LINK_GRACE_SECONDS: i64 = 7 * 24 * 3600;

pub fn put_link(token_hash: &str, link: &LinkRecord) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("link", &keys::link(&link.tenant, token_hash), link)?))
}

pub async fn get_link(table: &dyn Table, t: &TenantId, token_hash: &str) -> Result<Option<LinkRecord>, StoreError> {
    table.get(&keys::link(t, token_hash)).await?.map(from_item).transpose()
}

/// Spends a single-use link: succeeds once, before expiry.
pub fn consume_link(t: &TenantId, token_hash: &str, now: Timestamp) -> Update {
    Update::new(keys::link(t, token_hash))
        .set("used_at", now.to_string())
        .when(Cond::present().and(Cond::NotExists("used_at".into())).and(Cond::Gt("expires_epoch".into(), now.as_second().into())))
}

/// A refresh-token family: one sign-in, rotated on every refresh.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionRecord {
    pub id: SessionId,
    pub tenant: TenantId,
    pub subject: Subject,
    /// `portal` or `admin`.
    pub audience: String,
    /// Contact role or staff role at sign-in.
    pub role: String,
    /// Hash of the refresh token currently valid.
    pub current_hash: String,
    /// Hash of the one it replaced. Presented again within [`REUSE_GRACE_SECONDS`] of the
    /// rotation it is a benign race (a response lost to a navigation, two tabs); later, it
    /// means the token was copied.
    pub previous_hash: Option<String>,
    /// When the token was last rotated (epoch seconds).
    #[serde(default)]
    pub rotated_epoch: i64,
    /// The random salt of the last rotation: the current secret is [`successor`] of the
    /// previous one under it, so a late request with the previous token within the grace gets
    /// the same successor again instead of a second live token. Empty before the first rotation.
    #[serde(default)]
    pub nonce: String,
    /// Hashes of the secrets replaced before the previous one, newest last (at most
    /// [`RETIRED_KEPT`]): one of them coming back proves a copy of the session's token is about.
    #[serde(default)]
    pub retired: Vec<String>,
    pub created_at: Timestamp,
    pub expires_epoch: i64,
    pub revoked: bool,
    pub ttl: i64,
}

pub fn put_session(s: &SessionRecord) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("session", &keys::session(&s.tenant, &s.id), s)?))
}

pub async fn get_session(table: &dyn Table, t: &TenantId, id: &SessionId) -> Result<Option<SessionRecord>, StoreError> {
    table.get(&keys::session(t, id)).await?.map(from_item).transpose()
}

/// How many replaced secrets a session remembers (a day of refreshes every 15 minutes, and
/// more); an older one is refused without ending the session.
pub const RETIRED_KEPT: usize = 128;

/// How long after a rotation the replaced refresh token is still honoured.
pub const REUSE_GRACE_SECONDS: i64 = 30;

/// The secret that replaces `secret` in a rotation salted with `nonce`, and its hash. Derived
/// rather than drawn, so the answer to the replaced secret within the grace is always the same
/// one successor (SHA-256 is enough: the nonce is 256 random bits and the secret another 256).
pub fn successor(nonce: &str, secret: &str) -> (String, String) {
    let next = portal_domain::sha256_hex(format!("switchboard refresh successor\0{nonce}\0{secret}").as_bytes());
    let hash = secret_hash(&next);
    (next, hash)
}

/// Replaces the session's current secret by the one hashing to `new_hash`, only if the current
/// one is still current and the family is live: two refreshes racing cannot both win. The
/// replaced secret becomes the previous one and the previous one joins the retired; `nonce` is
/// the rotation's salt.
pub fn rotate_session(s: &SessionRecord, nonce: &str, new_hash: &str, now: Timestamp) -> Update {
    let mut retired = s.retired.clone();
    retired.extend(s.previous_hash.clone());
    let drop = retired.len().saturating_sub(RETIRED_KEPT);
    retired.drain(..drop);
    let (t, id, current) = (&s.tenant, &s.id, s.current_hash.as_str());
    Update::new(keys::session(t, id))
        .set("current_hash", new_hash)
        .set("previous_hash", current)
        .set("retired", serde_json::json!(retired))
        .set("nonce", nonce)
        .set("rotated_epoch", now.as_second())
        .when(
            Cond::eq("current_hash", current).and(Cond::eq("revoked", false)).and(Cond::Gt("expires_epoch".into(), now.as_second().into())),
        )
}

pub fn revoke_session(t: &TenantId, id: &SessionId) -> Update {
    Update::new(keys::session(t, id)).set("revoked", true).when(Cond::present())
}

/// Counts one hit against a fixed-window limit. `Ok(false)` when the limit is reached.
pub async fn rate_hit(
    table: &dyn Table,
    t: &TenantId,
    kind: &str,
    subject: &str,
    now: Timestamp,
    window_seconds: i64,
    limit: i64,
) -> Result<bool, StoreError> {
    match table.update(super::rate_count(t, kind, subject, now, window_seconds, limit)).await {
        Ok(_) => Ok(true),
        Err(StoreError::ConditionFailed) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A new secret for a link or refresh token: 32 random bytes (256 bits) as URL-safe text,
/// and the SHA-256 that is stored instead of it.
pub fn new_secret(ids: &dyn portal_domain::ports::Ids) -> (String, String) {
    use base64::Engine;
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ids.secret());
    let hash = secret_hash(&secret);
    (secret, hash)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    portal_domain::sha256_hex(secret.as_bytes())
}

/// Splits a link token (`{tenant}.{secret}`) into its tenant and the hash to look up.
pub fn parse_link_token(token: &str) -> Option<(TenantId, String)> {
    let (tenant, secret) = token.trim().split_once('.')?;
    if secret.len() != 43 || !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    Some((tenant.parse().ok()?, secret_hash(secret)))
}

/// Issues a link: the token to put in the URL (never stored) and the write that records it.
pub fn issue_link(
    ids: &dyn portal_domain::ports::Ids,
    tenant: &TenantId,
    subject: Subject,
    purpose: LinkPurpose,
    now: Timestamp,
    ttl: jiff::SignedDuration,
) -> Result<(String, Write), StoreError> {
    let (secret, hash) = new_secret(ids);
    let expires_at = now.checked_add(ttl).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let record = LinkRecord {
        tenant: tenant.clone(),
        subject,
        purpose,
        created_at: now,
        expires_at,
        expires_epoch: expires_at.as_second(),
        used_at: None,
        ttl: expires_at.as_second() + LINK_GRACE_SECONDS,
    };
    Ok((format!("{tenant}.{secret}"), put_link(&hash, &record)?))
}
