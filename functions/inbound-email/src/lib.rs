//! inbound-email: started by the bucket's ObjectCreated event on `inbound/`, where SES's
//! receipt rule stores each raw message sent to the inbound domain (locally, the mailbox
//! page's Reply box stores a real MIME reply there and runs the same handler). The rules are
//! `portal_app::inbound`'s: post the reply to its thread, hold it for the office, or ignore
//! an automatic one; once, however often the event comes.
//!
//! A posted reply's raw message is deleted (its text and files are kept in the thread), and
//! an automatic reply's; a held one is kept for the office to post with its attachments;
//! what names no thread of ours, or comes past the hourly limits, stays (logged) until the
//! bucket's lifecycle rule removes `inbound/` objects after 30 days.
use std::sync::Arc;

use jiff::Timestamp;
use portal_app::inbound::{self, Received};
use portal_domain::ports::{Blobs, Clock, Fetched, Ids};
use portal_http::function::{Deps, EventFunction, Missing};
use portal_store::Table;
use serde_json::Value;

pub struct State {
    pub table: Arc<dyn Table>,
    pub blobs: Arc<dyn Blobs>,
    pub ids: Arc<dyn Ids>,
    pub clock: Arc<dyn Clock>,
}

/// Where SES stores what it receives.
pub const PREFIX: &str = "inbound/";

impl EventFunction for State {
    const NAME: &'static str = "inbound-email";
    fn build(deps: &Deps) -> Result<Self, Missing> {
        Ok(Self {
            table: deps.table.clone(),
            blobs: Deps::need("inbound-email", "the Blobs port (BLOB_BUCKET)", &deps.blobs)?,
            ids: deps.ids.clone(),
            clock: deps.clock.clone(),
        })
    }
    async fn event(&self, payload: Value, now: Timestamp) -> Result<Value, lambda_http::Error> {
        let mut outcomes = Vec::new();
        let mut uploads = Vec::new();
        for key in portal_http::objects::object_keys(payload)? {
            match handle(self, &key, now).await {
                Ok(r) => {
                    outcomes.push(outcome(&r));
                    if let Received::Posted { uploads: u, .. } | Received::Duplicate { uploads: u, .. } = r {
                        uploads.extend(u);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %portal_http::error::error_chain(&e), "handling an inbound email failed; Lambda will retry");
                    return Err(e.into());
                }
            }
        }
        Ok(serde_json::json!({ "outcomes": outcomes, "uploads": uploads }))
    }
}

/// In words, for the function's answer and the tests.
pub fn outcome(r: &Received) -> String {
    match r {
        Received::Posted { .. } => "posted".into(),
        Received::Held(reason) => {
            format!("held:{}", serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
        }
        Received::Ignored { why, .. } => format!("ignored:{why}"),
        Received::Duplicate { .. } => "duplicate".into(),
        Received::Unrouted => "unrouted".into(),
    }
}

/// Handles the raw message at `key`.
pub async fn handle(state: &State, key: &str, now: Timestamp) -> Result<Received, portal_app::Error> {
    if !key.starts_with(PREFIX) {
        tracing::info!("an object outside inbound/; not an email");
        return Ok(Received::Ignored { why: "not an inbound email", keep: true });
    }
    let raw = match state.blobs.get(key, inbound::MAX_RAW).await.map_err(port)? {
        Fetched::Found(b) => b.bytes,
        // Posted by an earlier delivery (which deleted it).
        Fetched::Missing => return Ok(Received::Duplicate { uploads: Vec::new(), keep: false }),
        Fetched::TooLarge => {
            tracing::warn!("an inbound email larger than SES sends; left to the lifecycle rule");
            return Ok(Received::Ignored { why: "too large", keep: true });
        }
    };
    let r = inbound::receive(state.table.as_ref(), state.blobs.as_ref(), state.ids.as_ref(), key, &raw, now).await?;
    if !r.keeps_raw() {
        // Kept in the thread (or an automatic reply): the raw message goes.
        state.blobs.delete(key).await.map_err(port)?;
    }
    Ok(r)
}

fn port(e: portal_domain::ports::PortError) -> portal_app::Error {
    portal_app::Error::Inconsistent(format!("blob store: {e}"))
}
