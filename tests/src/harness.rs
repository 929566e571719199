//! The handler tests' harness: every function of the registry built as the local server
//! builds it, on an in-memory store seeded with the demo, with the Table port counted.
use std::sync::Arc;

use portal_domain::ports::{Clock, Ids, RandomIds, SystemClock};
use portal_embedded::Store;
use portal_http::function::Deps;
use portal_http::token::{KeyFile, PublicKeys, Verifier};
use portal_store::Table;
use portal_testkit::counting::Counting;
use serde_json::Value;

use crate::events;

/// The registry's functions on an in-memory store with the demo data (and its files), every
/// port embedded, and a key that signs tokens as the auth function would.
pub struct Harness {
    pub table: Arc<Counting<portal_embedded::EmbeddedTable>>,
    pub store: Store,
    pub key: KeyFile,
    /// Every function of the registry, as the local server builds them.
    pub functions: portal_local::registry::Built,
    pub blobs: Arc<portal_embedded::files::FileBlobs>,
    pub _blob_dir: tempfile::TempDir,
    pub simulator: Arc<portal_embedded::simulator::Simulator>,
}

impl Harness {
    /// Runs the outbox sender once, as send-notifications would.
    pub async fn deliver(&self) {
        let sweep = serde_json::json!({ "source": "aws.events", "detail-type": "Scheduled Event" });
        self.functions.event("send-notifications").unwrap().call(sweep).await.unwrap();
    }
}

pub async fn harness() -> Harness {
    let store = Store::in_memory().unwrap();
    let table = Arc::new(Counting::new(store.table()));
    portal_local::seed::seed(table.as_ref(), &RandomIds, SystemClock.now(), "https://portal.test").await.unwrap();
    table.take();
    let key = KeyFile::generate("test", RandomIds.secret()).unwrap();
    let dyn_table: Arc<dyn Table> = table.clone();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds);
    let simulator = Arc::new(portal_embedded::simulator::Simulator::new("https://portal.test", ids.clone(), 60));
    let blob_dir = tempfile::tempdir().unwrap();
    let blobs = Arc::new(portal_embedded::files::FileBlobs::new(blob_dir.path(), "https://portal.test", RandomIds.secret(), clock.clone()));
    let deps = every_port(dyn_table, &key, &store, simulator.clone(), blobs.clone()).with_clock(clock).with_ids(ids);
    let functions = portal_local::registry::Built::new(&deps).unwrap();
    portal_local::seed::files::write_blobs(blobs.as_ref()).await.unwrap();
    Harness { table, store, key, functions, blobs, _blob_dir: blob_dir, simulator }
}

/// Every port a function of the registry may need, on `table`, with `key` signing and
/// verifying tokens.
pub fn every_port(
    table: Arc<dyn Table>,
    key: &KeyFile,
    store: &Store,
    payments: Arc<portal_embedded::simulator::Simulator>,
    blobs: Arc<portal_embedded::files::FileBlobs>,
) -> Deps {
    Deps::new(table)
        .with_verifier(Verifier::new(PublicKeys::from_jwks(&key.public_jwks().unwrap()).unwrap()))
        .with_signing_key(Arc::new(portal_local::keys::LocalSecret(serde_json::to_string(key).unwrap())))
        .with_webhook_secrets(Arc::new(portal_local::keys::LocalSecret(crate::lambda::WEBHOOK_SECRET.into())))
        .with_payments(payments)
        .with_blobs(blobs)
        .with_mailer(Arc::new(store.mailbox()))
        .with_sms(Arc::new(store.mailbox()))
}

impl Harness {
    /// An access token for a demo contact, as the auth function would issue it.
    pub fn token(&self, account: &str, contact: &str, role: &str, scope: &str) -> String {
        crate::lambda::customer_token(&self.key, account, contact, role, scope)
    }

    pub fn dana(&self) -> String {
        self.token("acc_whitfield", "con_dana", "approver", "portal")
    }

    pub async fn call(&self, function: &str, payload: &str) -> (u16, Value) {
        let (status, _, body) = self.call_full(function, payload).await;
        (status, body)
    }

    /// [`Harness::call`] with the answer's headers.
    pub async fn call_full(&self, function: &str, payload: &str) -> (u16, lambda_http::http::HeaderMap, Value) {
        let req = events::request(payload);
        let resp = self.functions.http(function).unwrap_or_else(|| panic!("{function} is not in the registry")).call(req).await;
        let headers = resp.headers().clone();
        let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        if resp.status() == 200 && kind.starts_with("text/calendar") {
            // A visit's calendar file: the one download that is not JSON.
            let lambda_http::Body::Text(t) = resp.body() else { panic!("{function}: a calendar file is text") };
            return (200, headers, Value::String(t.clone()));
        }
        if resp.status() == 204 || resp.status() == 304 {
            assert!(matches!(resp.body(), lambda_http::Body::Empty), "{function}: {} has no body", resp.status());
            return (resp.status().as_u16(), headers, Value::Null);
        }
        assert_eq!(kind, "application/json", "{function}: JSON always");
        let body = match resp.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap(),
            other => panic!("{function}: unexpected body {other:?}"),
        };
        (resp.status().as_u16(), headers, body)
    }
}

impl Harness {
    /// Calls `function` with the event of `case`, signed with `token`, its body replaced by
    /// `body` (when given) and its path parameters by `params`.
    pub async fn call_with(&self, function: &str, case: &str, token: &str, body: Option<&Value>, params: &[(&str, &str)]) -> (u16, Value) {
        let mut event: Value = serde_json::from_str(&events::with_token(function, case, token)).unwrap();
        if let Some(b) = body {
            event["body"] = Value::String(b.to_string());
        }
        let mut path = event["rawPath"].as_str().unwrap_or_default().to_string();
        for (name, value) in params {
            if let Some(old) = event["pathParameters"][*name].as_str().map(str::to_string) {
                path = path.replace(&old, value);
            }
            event["pathParameters"][*name] = Value::String((*value).to_string());
        }
        event["rawPath"] = Value::String(path);
        self.call(function, &event.to_string()).await
    }

    /// Sends `bytes` to an upload slot's address as a browser would (the files' own check of
    /// the signed length and type), then, as the bucket's event does, runs process-upload on
    /// the object. `Err` when the blob store refused the upload.
    pub async fn send_to_slot(&self, slot: &Value, content_type: &str, bytes: &[u8]) -> Result<Value, portal_embedded::files::Refused> {
        let url = slot["url"].as_str().unwrap();
        let (path, query) = url.split_once("/dev/blobs/").unwrap().1.split_once('?').unwrap();
        let q: std::collections::HashMap<&str, &str> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
        self.blobs
            .receive(path, q["expires"].parse().unwrap(), q["length"].parse().unwrap(), q["sig"], content_type, bytes)
            .await
            .unwrap()?;
        Ok(self.object_created(path, bytes.len()).await)
    }

    /// Runs process-upload on the bucket's event for `key` (the `events/` payload's shape).
    pub async fn object_created(&self, key: &str, size: usize) -> Value {
        let mut event: Value = serde_json::from_str(&events::raw("process-upload", "object-created")).unwrap();
        event["Records"][0]["s3"]["object"]["key"] = Value::String(key.to_string());
        event["Records"][0]["s3"]["object"]["size"] = Value::from(size);
        self.functions.event("process-upload").unwrap().call(event).await.unwrap()
    }
}
