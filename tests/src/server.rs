//! The local server on a free loopback port, with in-memory stores and the demo data: each
//! test gets its own.
use std::sync::Arc;

use portal_local::{App, Config};
use serde_json::{Value, json};

use crate::http::{Http, Reply};

pub struct TestServer {
    pub app: Arc<App>,
    pub http: Http,
}

/// A signed-in customer or staff member.
#[derive(Debug, Clone)]
pub struct Signed {
    pub access_token: String,
    pub refresh_cookie: String,
    pub session: Value,
}

impl TestServer {
    pub async fn start() -> Self {
        let app = App::new(Config {
            data_dir: None,
            public_url: "http://portal.test".into(),
            web_dir: None,
            seed: true,
            tenant: "bright-spark".into(),
            ach_settle_seconds: 3600,
        })
        .await
        .expect("the app starts");
        let app = Arc::new(app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(portal_local::serve(listener, app.clone()));
        Self { app, http: Http::new(base) }
    }

    /// Every message in the local mailbox, newest first.
    pub async fn mailbox(&self) -> Vec<Value> {
        let r = self.http.get("/dev/mailbox.json", None).await;
        assert_eq!(r.status, 200);
        r.json()["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The token of the newest link sent to `to` (an email address or E.164 phone) now.
    async fn newest_token(&self, to: &str) -> Option<String> {
        self.mailbox().await.into_iter().filter(|m| m["to"] == to).find_map(|m| {
            let text = m["text"].as_str()?;
            let start = text.find("token=")? + "token=".len();
            Some(text[start..].split_whitespace().next()?.to_string())
        })
    }

    /// The token of the newest link sent to `to`, waiting (up to 5 s: the outbox sender, which
    /// delivers links, runs every second) for the first.
    pub async fn latest_token(&self, to: &str) -> Option<String> {
        poll(50, || self.newest_token(to)).await
    }

    /// Waits (up to 5 s) for the sign-in email to `to`: the newest mail there may still be a
    /// document's until the outbox sender delivers it.
    async fn sign_in_token(&self, to: &str, old: Option<&str>) -> Option<String> {
        poll(50, || async {
            let is_sign_in = |m: &Value| m["to"] == to && m["subject"].as_str().is_some_and(|s| s.contains("sign-in link"));
            let m = self.mailbox().await.into_iter().find(is_sign_in)?;
            let text = m["text"].as_str()?;
            let start = text.find("token=")? + "token=".len();
            Some(text[start..].split_whitespace().next()?.to_string()).filter(|t| Some(t.as_str()) != old)
        })
        .await
    }

    /// Waits (up to 5 s) for a link to `to` other than `old`.
    pub async fn fresh_token(&self, to: &str, old: &str) -> Option<String> {
        poll(50, || async { self.newest_token(to).await.filter(|t| t != old) }).await
    }

    /// Whether no link reached `to`, after giving the outbox sender two runs to send one.
    pub async fn no_link_for(&self, to: &str) -> bool {
        tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
        self.newest_token(to).await.is_none()
    }

    pub async fn request_link(&self, body: Value) -> Reply {
        self.http.post("/api/auth/link", None, &body).await
    }

    pub async fn exchange(&self, token: &str) -> Reply {
        self.http.post("/api/auth/session", None, &json!({ "token": token })).await
    }

    /// Requests a link by email, reads it from the mailbox and spends it.
    pub async fn sign_in(&self, email: &str) -> Signed {
        let old = self.newest_token(email).await;
        let r = self.request_link(json!({"tenant": "bright-spark", "email": email})).await;
        assert_eq!(r.status, 202, "{}", r.text());
        let token = self.sign_in_token(email, old.as_deref()).await.expect("a link in the mailbox");
        let r = self.exchange(&token).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let refresh_cookie = r.cookie("sb_refresh").unwrap_or_default();
        let session = r.json();
        Signed { access_token: session["access_token"].as_str().unwrap_or_default().to_string(), refresh_cookie, session }
    }
}

impl TestServer {
    /// Signs a staff member in to the admin side (link by email, then spent).
    pub async fn sign_in_staff(&self, email: &str) -> Signed {
        let old = self.newest_token(email).await;
        let r = self.request_link(json!({"tenant": "bright-spark", "email": email, "audience": "admin"})).await;
        assert_eq!(r.status, 202, "{}", r.text());
        let token = self.sign_in_token(email, old.as_deref()).await.expect("a link in the mailbox");
        let r = self.exchange(&token).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let refresh_cookie = r.cookie("sb_admin_refresh").unwrap_or_default();
        let session = r.json();
        Signed { access_token: session["access_token"].as_str().unwrap_or_default().to_string(), refresh_cookie, session }
    }

    /// Takes a started payment (the answer of a pay route) through the simulator's checkout
    /// page as a customer would, choosing `choice` (`card_succeeds`, ...).
    pub async fn checkout(&self, started: &Value, choice: &str) -> Reply {
        let url = started["checkout_url"].as_str().expect("a checkout URL");
        let path = &url[url.find("/dev/checkout/").expect("a simulator checkout")..];
        assert_eq!(self.http.get(path, None).await.status, 200, "the checkout page opens");
        let form = [("content-type", "application/x-www-form-urlencoded")];
        self.http.send("POST", path, &form, Some(format!("choice={choice}").into_bytes())).await
    }

    /// Waits (up to 10 s: the local sender runs every second) until `n` receipts reached `to`.
    pub async fn wait_for_receipts(&self, to: &str, n: usize) -> Vec<String> {
        match poll(100, || async { Some(self.receipts(to).await).filter(|r| r.len() >= n) }).await {
            Some(r) => r,
            None => self.receipts(to).await,
        }
    }

    /// Waits (up to 5 s: the outbox sender runs every second) for a message to `to` whose
    /// subject contains `subject`.
    pub async fn wait_for_mail(&self, to: &str, subject: &str) -> Option<Value> {
        poll(50, || async {
            self.mailbox().await.into_iter().find(|m| m["to"] == to && m["subject"].as_str().is_some_and(|s| s.contains(subject)))
        })
        .await
    }

    /// Subjects of the receipts mailed to `to`.
    pub async fn receipts(&self, to: &str) -> Vec<String> {
        self.mailbox()
            .await
            .into_iter()
            .filter(|m| m["to"] == to)
            .filter_map(|m| m["subject"].as_str().filter(|s| s.starts_with("Receipt")).map(str::to_string))
            .collect()
    }
}

/// Tries `check` every 100 ms, at most `tries` times, until it finds something.
async fn poll<T, F: std::future::Future<Output = Option<T>>>(tries: usize, mut check: impl FnMut() -> F) -> Option<T> {
    for _ in 0..tries {
        if let Some(found) = check().await {
            return Some(found);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

/// A drawn signature, as the portal would send it (the demo's).
pub const SIGNATURE: &str = portal_local::seed::DEMO_SIGNATURE;
