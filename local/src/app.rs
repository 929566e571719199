//! The local server: one process, every function, embedded backends.
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use portal_domain::ports::{Clock, Ids, OffsetClock, RandomIds};
use portal_embedded::files::FileBlobs;
use portal_embedded::simulator::{Delivery, Simulator};
use portal_embedded::{Mailbox, Store};
use portal_http::token::{PublicKeys, Verifier};
use portal_store::Table;
use tokio::net::TcpListener;

use portal_http::function::Deps;

use crate::registry::Built;
use crate::routes::{Route, Router, TEMPLATE, from_template};

/// Largest request body the local server reads (API Gateway's limit is larger; ours are small).
const MAX_REQUEST: usize = 1024 * 1024;

pub struct Config {
    /// Where the store and key live; `None` keeps everything in memory (tests, benchmarks).
    pub data_dir: Option<PathBuf>,
    /// The portal's public address, used in emailed links.
    pub public_url: String,
    /// Built web assets (`web/dist`), served at `/` when present.
    pub web_dir: Option<PathBuf>,
    /// Seed the demo contractor into an empty store.
    pub seed: bool,
    /// The tenant slug the portal's `config.json` names (a deployment writes the same file).
    pub tenant: String,
    /// How long the payment simulator's bank debits (ACH) take to settle.
    pub ach_settle_seconds: i64,
}

pub struct App {
    routes: Router,
    functions: Built,
    /// The Blobs port of local mode: files, with signed upload addresses.
    pub blobs: Arc<FileBlobs>,
    /// Removes an in-memory app's blob folder when the app goes.
    _blob_dir: Option<crate::blobs::TempDir>,
    /// The Payments port of local mode: checkout pages and Stripe-format events.
    pub simulator: Arc<Simulator>,
    /// The Stripe webhook signing secret of this local portal (the payment simulator signs
    /// with it).
    pub webhook_secret: String,
    pub mailbox: Mailbox,
    pub table: Arc<dyn Table>,
    /// Shared by every function, so tests can move time forward.
    pub clock: Arc<OffsetClock>,
    openapi: String,
    web_dir: Option<PathBuf>,
    tenant: String,
    /// What seeding printed: sign-in links for the demo people.
    pub demo: Option<crate::seed::Demo>,
}

impl App {
    pub async fn new(config: Config) -> Result<Self, String> {
        let (store, key, webhook_secret) = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let store = Store::open(&dir.join("switchboard.redb")).map_err(|e| format!("opening the store: {e}"))?;
                let key = crate::keys::load_or_create(&dir.join("signing-key.json"))?;
                (store, key, crate::keys::webhook_secret(&dir.join("stripe-webhook-secret"))?)
            }
            None => {
                let store = Store::in_memory().map_err(|e| e.to_string())?;
                let key = portal_http::token::KeyFile::generate("local-memory", RandomIds.secret()).map_err(|e| e.to_string())?;
                (store, key, crate::keys::new_webhook_secret())
            }
        };
        let table: Arc<dyn Table> = Arc::new(store.table());
        let mailbox = store.mailbox();
        let clock = Arc::new(OffsetClock::default());
        let ids: Arc<dyn Ids> = Arc::new(RandomIds);
        let jwks = key.public_jwks().map_err(|e| e.to_string())?;
        let verifier = Verifier::new(PublicKeys::from_jwks(&jwks)?);
        let key_json = serde_json::to_string(&key).map_err(|e| e.to_string())?;
        let clock_dyn: Arc<dyn Clock> = clock.clone();
        let simulator = Arc::new(Simulator::new(&config.public_url, ids.clone(), config.ach_settle_seconds));
        let (blob_root, blob_dir) = match &config.data_dir {
            Some(dir) => (dir.join("blobs"), None),
            None => {
                let temp = crate::blobs::TempDir::new(&ids.id("blobs"))?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let blobs = Arc::new(FileBlobs::new(blob_root, &config.public_url, ids.secret(), clock_dyn.clone()));
        let deps = Deps::new(table.clone())
            .with_clock(clock_dyn)
            .with_ids(ids.clone())
            .with_verifier(verifier)
            .with_signing_key(Arc::new(crate::keys::LocalSecret(key_json)))
            .with_webhook_secrets(Arc::new(crate::keys::LocalSecret(webhook_secret.clone())))
            .with_payments(simulator.clone())
            .with_blobs(blobs.clone())
            .with_mailer(Arc::new(mailbox.clone()))
            .with_sms(Arc::new(mailbox.clone()));
        let functions = Built::new(&deps).map_err(|e| e.to_string())?;
        let demo = if config.seed {
            Some(
                crate::seed::seed(table.as_ref(), ids.as_ref(), clock.now(), &config.public_url)
                    .await
                    .map_err(|e| format!("seeding: {e}"))?,
            )
        } else {
            None
        };
        if demo.is_some() {
            crate::seed::files::write_blobs(blobs.as_ref()).await.map_err(|e| format!("seeding the demo's photos: {e}"))?;
        }
        Ok(Self {
            routes: Router::new(from_template(TEMPLATE)?)?,
            functions,
            blobs,
            _blob_dir: blob_dir,
            simulator,
            webhook_secret,
            mailbox,
            table,
            clock,
            openapi: crate::openapi_json(),
            web_dir: config.web_dir.filter(|d| d.join("index.html").is_file()),
            tenant: config.tenant,
            demo,
        })
    }

    /// Every route the server dispatches (from the template).
    pub fn routes(&self) -> &[Route] {
        self.routes.routes()
    }

    async fn call(&self, function: &str, req: lambda_http::Request) -> lambda_http::Response<lambda_http::Body> {
        match self.functions.http(function) {
            Some(f) => f.call(req).await,
            None => portal_http::ApiError::Internal(format!("function {function} is not in the registry").into()).into_response(),
        }
    }

    /// Handles one request.
    pub async fn handle(&self, req: hyper::Request<Incoming>, peer: IpAddr) -> hyper::Response<Full<Bytes>> {
        let path = req.uri().path().to_string();
        let method = req.method().clone();
        let found = self.routes.find(method.as_str(), &path);
        if let Some((route, params)) = found {
            let (parts, body) = req.into_parts();
            let body = match Limited::new(body, MAX_REQUEST).collect().await {
                Ok(b) => b.to_bytes().to_vec(),
                Err(_) => return from_lambda(portal_http::ApiError::PayloadTooLarge.into_response()),
            };
            return self.api(parts, body, route, params, peer).await;
        }
        if let Some(rest) = path.strip_prefix("/dev/checkout/") {
            return crate::checkout::page(self, &method, rest, req).await;
        }
        if let Some(key) = path.strip_prefix("/dev/blobs/") {
            return crate::blobs::receive(self, &method, key, req).await;
        }
        if path.starts_with("/media/") && matches!(method.as_str(), "GET" | "HEAD") {
            return crate::blobs::media(self, path.trim_start_matches('/')).await;
        }
        match (method.as_str(), path.as_str()) {
            ("GET", "/api/openapi.json") => bytes_response(200, "application/json", self.openapi.clone().into()),
            ("GET", "/config.json") => {
                let body = serde_json::json!({ "tenant": self.tenant }).to_string();
                bytes_response(200, "application/json", body.into())
            }
            ("GET", "/dev/mailbox.json") => crate::dev::mailbox_json(&self.mailbox),
            ("POST", "/dev/clock") => self.advance_clock(req).await,
            ("GET", "/dev/mailbox") => crate::dev::mailbox_html(&self.mailbox, req.uri().query()),
            ("POST", p) if p.starts_with("/dev/mailbox/") && p.ends_with("/reply") => {
                let id = p.trim_start_matches("/dev/mailbox/").trim_end_matches("/reply").parse().unwrap_or(0);
                crate::dev::reply(self, id, req).await
            }
            (_, p) if p.starts_with("/api/") => from_lambda(portal_http::ApiError::NotFound("route").into_response()),
            ("GET" | "HEAD", _) => crate::dev::static_file(self.web_dir.as_deref(), &path, self.demo.as_ref()),
            _ => from_lambda(portal_http::ApiError::NotFound("page").into_response()),
        }
    }

    /// Local mode only: moves every function's clock forward, to see links and estimates
    /// expire without waiting. Body: `{"advance_seconds": n}` with 0 < n <= 400 days.
    async fn advance_clock(&self, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Advance {
            advance_seconds: i64,
        }
        let body = match Limited::new(req.into_body(), 1024).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return from_lambda(portal_http::ApiError::PayloadTooLarge.into_response()),
        };
        match serde_json::from_slice::<Advance>(&body) {
            Ok(a) if a.advance_seconds > 0 && a.advance_seconds <= 400 * 86_400 => {
                self.clock.advance(a.advance_seconds);
                let now = serde_json::json!({ "now": self.clock.now().to_string() }).to_string();
                bytes_response(200, "application/json", now.into())
            }
            _ => {
                let e = portal_domain::FieldErrors::one("advance_seconds", "must be a number of seconds from 1 to 34560000");
                from_lambda(portal_http::ApiError::Invalid(e).into_response())
            }
        }
    }

    async fn api(
        &self,
        parts: http::request::Parts,
        body: Vec<u8>,
        route: &Route,
        params: HashMap<String, String>,
        peer: IpAddr,
    ) -> hyper::Response<Full<Bytes>> {
        let request_id = RandomIds.id("req");
        let event = crate::convert::to_lambda(parts, body, route, params, peer, request_id, self.clock.now());
        from_lambda(self.call(&route.function, event).await)
    }
}

impl App {
    /// Delivers one simulated Stripe event to the webhook, signed with this portal's secret,
    /// through the same route and handler as any request. Returns the webhook's status.
    pub async fn deliver(&self, d: &Delivery) -> u16 {
        let path = format!("/api/stripe/webhook/{}", d.tenant);
        let header = portal_stripe::webhook::sign(d.body.as_bytes(), &self.webhook_secret, self.clock.now().as_second());
        let Ok(req) = http::Request::post(&path)
            .header("content-type", "application/json; charset=utf-8")
            .header("user-agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) local simulator")
            .header("stripe-signature", header)
            .body(())
        else {
            return 500;
        };
        let Some((route, params)) = self.routes.find("POST", &path) else { return 404 };
        let (parts, ()) = req.into_parts();
        let r = self.api(parts, d.body.clone().into_bytes(), route, params, IpAddr::from([127, 0, 0, 1])).await;
        r.status().as_u16()
    }

    /// Delivers events in order, then sends what they put in the outbox.
    pub async fn deliver_all(&self, events: &[Delivery]) {
        for d in events {
            let status = self.deliver(d).await;
            if status != 200 {
                tracing::warn!(status, "the webhook refused a simulated event");
            }
        }
        self.send_outbox().await;
    }

    /// Runs send-notifications as its schedule would in AWS: every due outbox message
    /// (receipts) goes to the local mailbox.
    pub async fn send_outbox(&self) {
        self.scheduled("send-notifications").await;
    }

    /// Runs `function` on the event its schedule sends in AWS.
    async fn scheduled(&self, function: &str) {
        let sweep = serde_json::json!({ "source": "aws.events", "detail-type": "Scheduled Event" });
        match self.functions.event(function) {
            Some(f) => {
                if let Err(e) = f.call(sweep).await {
                    tracing::warn!(function, error = %e, "a scheduled run failed");
                }
            }
            None => tracing::error!(function, "not in the registry"),
        }
    }

    /// Runs process-upload on the event S3 sends when an object is created (the same shape,
    /// as `events/process-upload/` holds it), as the bucket's notification does in AWS.
    pub async fn process_upload(&self, key: &str, size: usize) {
        if let Err(e) = self.object_created("process-upload", key, size).await {
            tracing::warn!(error = %e, "processing an upload failed");
        }
    }

    /// Runs inbound-email on the raw message stored at `key`, as the bucket's event does in
    /// AWS once SES has stored a reply, then process-upload on the attachments it sent to the
    /// pipeline. Returns what became of it (`posted`, `held:spf`, ...).
    pub async fn receive_email(&self, key: &str, size: usize) -> Result<String, String> {
        let out = self.object_created("inbound-email", key, size).await?;
        for upload in out.get("uploads").and_then(serde_json::Value::as_array).into_iter().flatten() {
            if let Some(k) = upload.as_str() {
                let size = match portal_domain::ports::Blobs::get(self.blobs.as_ref(), k, 64 << 20).await {
                    Ok(portal_domain::ports::Fetched::Found(b)) => b.bytes.len(),
                    _ => 0,
                };
                self.process_upload(k, size).await;
            }
        }
        Ok(out.pointer("/outcomes/0").and_then(serde_json::Value::as_str).unwrap_or("none").to_string())
    }

    /// Runs `function` on the event S3 sends when the object `key` is created.
    async fn object_created(&self, function: &str, key: &str, size: usize) -> Result<serde_json::Value, String> {
        let event = serde_json::json!({ "Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": self.clock.now().to_string(), "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "AWS:LOCAL" },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": { "x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL" },
            "s3": {
                "s3SchemaVersion": "1.0", "configurationId": function,
                "bucket": { "name": "local", "ownerIdentity": { "principalId": "LOCAL" }, "arn": "arn:aws:s3:::local" },
                "object": { "key": portal_embedded::files::url_encode(key).replace("%2F", "/"), "size": size, "eTag": "", "sequencer": "0" }
            }
        }]});
        let f = self.functions.event(function).ok_or_else(|| format!("{function} is not in the registry"))?;
        f.call(event).await.map_err(|e| e.to_string())
    }

    /// Local background work, once a second: settling simulated bank debits and sending the
    /// outbox; once a minute, process-upload's sweep of slots never used.
    pub async fn background(self: Arc<Self>) {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        for n in 0u64.. {
            tick.tick().await;
            let due = self.simulator.settle_due(self.clock.now());
            self.deliver_all(&due).await;
            if n % 60 == 59 {
                self.scheduled("process-upload").await;
            }
        }
    }
}

/// A Lambda response as an HTTP response (API Gateway does the same).
pub fn from_lambda(r: lambda_http::Response<lambda_http::Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = r.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(s) => Bytes::from(s),
        lambda_http::Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

pub fn bytes_response(status: u16, content_type: &str, body: Bytes) -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(body));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        r.headers_mut().insert("content-type", v);
    }
    r.headers_mut().insert("x-content-type-options", http::HeaderValue::from_static("nosniff"));
    r
}

/// Serves until the listener fails. One task per connection, plus the background work.
pub async fn serve(listener: TcpListener, app: Arc<App>) {
    tokio::spawn(app.clone().background());
    loop {
        let (stream, peer): (_, SocketAddr) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.handle(req, peer.ip()).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
