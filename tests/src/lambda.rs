//! Boots a function binary the way Lambda does: environment only, talking to the Runtime API
//! emulator, with AWS pointed at moto. Used by the binary tests and `make bench`.
use std::process::Stdio;
use std::time::Duration;

use portal_domain::ports::{Clock, Ids, RandomIds, SystemClock};
use portal_http::token::KeyFile;
use portal_testkit::moto::Moto;

use crate::emulator::{Emulator, lambda_env};

/// AWS resources on moto that the functions need: a seeded table, the key secret, a verified
/// sender.
pub struct Backend {
    pub moto: &'static Moto,
    pub table: String,
    pub secret_arn: String,
    pub key: KeyFile,
    pub mail_from: String,
    pub webhook_secret_arn: String,
    /// The blob bucket (uploads and media).
    pub bucket: String,
}

/// The webhook secret the events in `events/stripe-webhook/` are signed with.
pub const WEBHOOK_SECRET: &str = "whsec_events_example";

impl Backend {
    pub async fn start() -> Self {
        let moto = Moto::shared();
        let config = moto.sdk_config();
        let table = portal_testkit::ns();
        let ddb = aws_sdk_dynamodb::Client::new(&config);
        portal_aws::dynamo::create_table(&ddb, &table).await.expect("create table");
        let dynamo = portal_aws::dynamo::DynamoTable::new(ddb, table.clone());
        seed_demo(&dynamo).await;
        let key = KeyFile::generate("moto-test", RandomIds.secret()).expect("key");
        let secrets = aws_sdk_secretsmanager::Client::new(&config);
        let secret = secrets
            .create_secret()
            .name(format!("signing-key-{table}"))
            .secret_string(serde_json::to_string(&key).expect("json"))
            .send()
            .await
            .expect("create secret");
        let webhook = secrets
            .create_secret()
            .name(format!("stripe-webhook-{table}"))
            .secret_string(WEBHOOK_SECRET)
            .send()
            .await
            .expect("create webhook secret");
        let bucket = table.to_lowercase().replace('_', "-");
        portal_aws::s3::create_bucket(&config, &bucket).await.expect("create bucket");
        let mail_from = "portal@brightspark.example".to_string();
        aws_sdk_sesv2::Client::new(&config).create_email_identity().email_identity(&mail_from).send().await.expect("verify sender");
        Self {
            moto,
            table,
            secret_arn: secret.arn.unwrap_or_default(),
            key,
            mail_from,
            webhook_secret_arn: webhook.arn.unwrap_or_default(),
            bucket,
        }
    }

    /// Everything a function reads from its environment, as the template sets it.
    pub fn env(&self, function: &str) -> Vec<(String, String)> {
        let mut env = vec![
            ("TABLE_NAME".to_string(), self.table.clone()),
            ("AWS_ENDPOINT_URL".to_string(), self.moto.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID".to_string(), "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY".to_string(), "testing".to_string()),
            ("RUST_LOG".to_string(), "warn".to_string()),
        ];
        match function {
            "auth" => env.push(("SIGNING_KEY_SECRET".into(), self.secret_arn.clone())),
            "stripe-webhook" => env.push(("STRIPE_WEBHOOK_SECRET".into(), self.webhook_secret_arn.clone())),
            "send-notifications" => env.push(("MAIL_FROM".into(), self.mail_from.clone())),
            "pay" => {
                env.push(("AUTH_PUBLIC_KEYS".into(), self.key.public_jwks().expect("jwks")));
                // Read only when a Checkout session is opened; these tests stop before that.
                env.push(("STRIPE_SECRET_KEY".into(), self.webhook_secret_arn.clone()));
            }
            "media" | "upload-photo" | "view-jobs" | "send-message" | "view-estimate" | "work-request" => {
                env.push(("AUTH_PUBLIC_KEYS".into(), self.key.public_jwks().expect("jwks")));
                env.push(("BLOB_BUCKET".into(), self.bucket.clone()));
            }
            "process-upload" | "inbound-email" => env.push(("BLOB_BUCKET".into(), self.bucket.clone())),
            _ => env.push(("AUTH_PUBLIC_KEYS".into(), self.key.public_jwks().expect("jwks"))),
        }
        env
    }
}

async fn seed_demo(table: &dyn portal_store::Table) {
    portal_local::seed::seed(table, &RandomIds, SystemClock.now(), "https://portal.test").await.expect("seed moto");
}

/// A function process attached to its own emulator.
pub struct Running {
    pub emulator: Emulator,
    pub child: tokio::process::Child,
}

/// Starts `binary` with exactly `env` (nothing inherited) plus the Lambda variables.
pub async fn boot(binary: &std::path::Path, name: &str, env: Vec<(String, String)>) -> Running {
    let emulator = Emulator::start().await;
    let child = tokio::process::Command::new(binary)
        .env_clear()
        .envs(lambda_env(&emulator, name))
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn function binary");
    Running { emulator, child }
}

impl Running {
    /// Invokes with an API Gateway event and returns (statusCode, parsed body).
    pub async fn call(&self, payload: String) -> (u16, serde_json::Value) {
        match self.emulator.invoke(payload, Duration::from_secs(30)).await {
            crate::emulator::Outcome::Response(text) => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("a Lambda HTTP response");
                let status = v["statusCode"].as_u64().unwrap_or(0) as u16;
                let body = v["body"].as_str().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(serde_json::Value::Null);
                (status, body)
            }
            other => panic!("the function did not answer: {other:?}"),
        }
    }

    /// Invokes with any event (a stream batch, a schedule) and returns the parsed result.
    pub async fn call_raw(&self, payload: String) -> serde_json::Value {
        match self.emulator.invoke(payload, Duration::from_secs(30)).await {
            crate::emulator::Outcome::Response(text) => serde_json::from_str(&text).expect("a JSON result"),
            other => panic!("the function did not answer: {other:?}"),
        }
    }
}

/// A customer access token (approver, whole portal) signed with the backend's key.
pub fn token(key: &KeyFile, account: &str, contact: &str) -> String {
    customer_token(key, account, contact, "approver", "portal")
}

/// A customer access token with the given role and scope, as the auth function would issue it
/// (valid for ten minutes from now).
pub fn customer_token(key: &KeyFile, account: &str, contact: &str, role: &str, scope: &str) -> String {
    customer_token_in(key, portal_local::seed::TENANT, account, contact, role, scope)
}

/// [`customer_token`] for a contact of another tenant (the second demo contractor's).
pub fn customer_token_in(key: &KeyFile, tenant: &str, account: &str, contact: &str, role: &str, scope: &str) -> String {
    signed_customer(key, tenant, account, contact, role, scope, None)
}

/// [`customer_token`] for a contact limited to some properties (as auth mints it from the contact).
pub fn limited_token(key: &KeyFile, account: &str, contact: &str, role: &str, properties: &[&str]) -> String {
    let props = properties.iter().map(|p| (*p).to_string()).collect();
    signed_customer(key, portal_local::seed::TENANT, account, contact, role, "portal", Some(props))
}

fn signed_customer(
    key: &KeyFile,
    tenant: &str,
    account: &str,
    contact: &str,
    role: &str,
    scope: &str,
    props: Option<Vec<String>>,
) -> String {
    let now = jiff::Timestamp::now().as_second();
    let claims = portal_http::token::Claims {
        iss: portal_http::token::ISSUER.into(),
        aud: portal_http::token::Audience::Portal.as_str().into(),
        sub: contact.into(),
        name: "Test".into(),
        iat: now,
        exp: now + 600,
        jti: RandomIds.id("jti"),
        tenant: tenant.into(),
        account: Some(account.into()),
        contact: Some(contact.into()),
        staff: None,
        role: role.into(),
        scope: scope.into(),
        props,
        hidden: Vec::new(),
    };
    key.signer().expect("signer").sign(&claims).expect("sign")
}

/// A staff access token (admin audience) for a tenant, signed with `key`.
pub fn staff_token(key: &KeyFile, tenant: &str, staff: &str, role: &str) -> String {
    let now = jiff::Timestamp::now().as_second();
    let claims = portal_http::token::Claims {
        iss: portal_http::token::ISSUER.into(),
        aud: portal_http::token::Audience::Admin.as_str().into(),
        sub: staff.into(),
        name: "Staff".into(),
        iat: now,
        exp: now + 600,
        jti: RandomIds.id("jti"),
        tenant: tenant.into(),
        account: None,
        contact: None,
        staff: Some(staff.into()),
        role: role.into(),
        scope: "admin".into(),
        props: None,
        hidden: Vec::new(),
    };
    key.signer().expect("signer").sign(&claims).expect("sign")
}

/// A `events/stripe-webhook/` payload signed again at the current time (the binary's clock is
/// the real one).
pub fn signed_now(case: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&crate::events::raw("stripe-webhook", case)).expect("event JSON");
    let body = v["body"].as_str().unwrap_or_default().to_string();
    let header = portal_stripe::webhook::sign(body.as_bytes(), WEBHOOK_SECRET, jiff::Timestamp::now().as_second());
    v["headers"]["stripe-signature"] = serde_json::Value::String(header);
    v.to_string()
}

/// Sends `body` with a presigned request over plain HTTP/1.1 to moto (loopback), as a
/// browser's `fetch` would. Returns the status code.
pub async fn send_signed(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("moto is plain http");
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).expect("a path");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect to moto");
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("send head");
    stream.write_all(body).await.expect("send body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read answer");
    String::from_utf8_lossy(&answer).split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}
