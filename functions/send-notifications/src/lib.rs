//! send-notifications: delivers the outbox (receipts now; reminders later) by email (SES) and
//! text (SNS).
//!
//! Two triggers, one job: the table's stream, filtered to new outbox items, wakes it as soon
//! as a change queues a message; a schedule sweeps every tenant every few minutes for messages
//! whose retry backoff has passed or whose sender died mid-send. Either way it runs
//! [`portal_app::notify::deliver_due`] per tenant, which claims each message before sending
//! (so overlapping runs never send one twice) and backs off on failure.
use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::Timestamp;
use portal_app::notify::{Report, deliver_due};
use portal_domain::ids::TenantId;
use portal_domain::ports::{Clock, Ids, Mailer, Sms};
use portal_http::function::{Deps, EventFunction, Missing};
use portal_store::repo::parties;
use portal_store::{StoreError, Table};
use serde_json::Value;

pub struct State {
    pub table: Arc<dyn Table>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn Sms>,
    pub clock: Arc<dyn Clock>,
    /// Receipt links are made when the receipt is sent.
    pub ids: Arc<dyn Ids>,
}

impl State {
    pub fn build(deps: &Deps) -> Result<Self, Missing> {
        Ok(Self {
            table: deps.table.clone(),
            mailer: Deps::need("send-notifications", "the Mailer port (MAIL_FROM)", &deps.mailer)?,
            sms: Deps::need("send-notifications", "the Sms port", &deps.sms)?,
            clock: deps.clock.clone(),
            ids: deps.ids.clone(),
        })
    }
}

impl EventFunction for State {
    const NAME: &'static str = "send-notifications";
    fn build(deps: &Deps) -> Result<Self, Missing> {
        State::build(deps)
    }
    async fn event(&self, payload: Value, now: Timestamp) -> Result<Value, lambda_http::Error> {
        match handle(self, &payload, now).await {
            Ok(r) => Ok(serde_json::json!({ "sent": r.sent, "failed": r.failed, "skipped": r.skipped })),
            Err(e) => {
                tracing::error!(error = %portal_http::error::error_chain(&e), "outbox delivery failed; Lambda will retry");
                Err(e.into())
            }
        }
    }
}

/// What woke the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// New outbox items of these tenants (from the table's stream).
    Outbox(BTreeSet<TenantId>),
    /// The schedule: every tenant.
    Sweep,
}

/// Why a run stopped (Lambda retries it; what was sent stays sent).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Trigger(#[from] TriggerError),
    #[error("listing the tenants")]
    Tenants(#[source] StoreError),
    #[error("delivering the outbox of tenant {tenant}")]
    Tenant {
        tenant: TenantId,
        #[source]
        source: StoreError,
    },
}

/// An event this function does not take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriggerError {
    #[error("neither a stream batch nor a schedule")]
    Unknown,
    #[error("a stream record names a malformed tenant")]
    BadTenant,
}

/// Reads the event: a DynamoDB stream batch (the outbox partition key `T#{tenant}#OUTBOX` of
/// each record names the tenant) or an EventBridge schedule. Anything else is refused.
pub fn trigger(event: &Value) -> Result<Trigger, TriggerError> {
    if event.get("source").and_then(Value::as_str) == Some("aws.events") {
        return Ok(Trigger::Sweep);
    }
    let records = event.get("Records").and_then(Value::as_array).ok_or(TriggerError::Unknown)?;
    let mut tenants = BTreeSet::new();
    for r in records {
        let pk = r.pointer("/dynamodb/Keys/pk/S").and_then(Value::as_str).unwrap_or_default();
        if let Some(t) = pk.strip_prefix("T#").and_then(|rest| rest.strip_suffix("#OUTBOX")) {
            tenants.insert(t.parse::<TenantId>().map_err(|_| TriggerError::BadTenant)?);
        }
    }
    Ok(Trigger::Outbox(tenants))
}

/// Runs once for an event. An error makes Lambda retry the batch (the stream) or the
/// invocation (the schedule); messages already sent stay sent.
pub async fn handle(state: &State, event: &Value, now: Timestamp) -> Result<Report, Failure> {
    let tenants: Vec<TenantId> = match trigger(event)? {
        Trigger::Outbox(t) => t.into_iter().collect(),
        Trigger::Sweep => parties::list_tenants(state.table.as_ref()).await.map_err(Failure::Tenants)?,
    };
    let mut total = Report::default();
    for t in tenants {
        let r = deliver_due(state.table.as_ref(), state.mailer.as_ref(), state.sms.as_ref(), state.ids.as_ref(), &t, now)
            .await
            .map_err(|source| Failure::Tenant { tenant: t.clone(), source })?;
        // Quiet when there was nothing to do (the local server sweeps every second).
        if r != Report::default() {
            tracing::info!(tenant = %t, sent = r.sent, failed = r.failed, skipped = r.skipped, "outbox delivered");
        }
        total.sent += r.sent;
        total.failed += r.failed;
        total.skipped += r.skipped;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trigger_names_the_tenants_of_new_outbox_items() {
        let batch = serde_json::json!({"Records": [
            {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "T#ten_a#OUTBOX"}, "sk": {"S": "MSG#msg_1"}}}},
            {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "T#ten_a#OUTBOX"}, "sk": {"S": "MSG#msg_2"}}}},
            {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "T#ten_b#A#acc_x"}, "sk": {"S": "INV#inv_1"}}}},
        ]});
        let expected: BTreeSet<TenantId> = ["ten_a"].iter().filter_map(|t| t.parse().ok()).collect();
        assert_eq!(trigger(&batch), Ok(Trigger::Outbox(expected)));
        assert_eq!(trigger(&serde_json::json!({"source": "aws.events", "detail-type": "Scheduled Event"})), Ok(Trigger::Sweep));
        assert!(trigger(&serde_json::json!({"hello": 1})).is_err());
    }
}
