//! A local Lambda Runtime API (the `2018-06-01` interface a function binary polls), enough to
//! boot a real function binary and invoke it: next invocation, response, error, init error.
//! Written by hand because no maintained crate serves this side of the interface.
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::{Mutex, mpsc, oneshot};

/// What the function answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Response(String),
    Error(String),
    /// The function failed during start-up.
    InitError(String),
}

struct Invocation {
    id: String,
    payload: String,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    queue: Mutex<mpsc::Receiver<Invocation>>,
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    init_error: Mutex<Option<oneshot::Sender<Outcome>>>,
}

pub struct Emulator {
    pub addr: SocketAddr,
    tx: mpsc::Sender<Invocation>,
    shared: Arc<Shared>,
    next_id: std::sync::atomic::AtomicU64,
}

type Resp = hyper::Response<Full<Bytes>>;

fn reply(status: u16, body: impl Into<Bytes>) -> Resp {
    let mut r = hyper::Response::new(Full::new(body.into()));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    r
}

async fn route(shared: Arc<Shared>, req: hyper::Request<hyper::body::Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let text = String::from_utf8_lossy(&body).into_owned();
    let parts: Vec<&str> = path.trim_start_matches("/2018-06-01/runtime/").split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["invocation", "next"]) => {
            let next = shared.queue.lock().await.recv().await;
            let Some(inv) = next else { return reply(500, "emulator stopped") };
            shared.pending.lock().await.insert(inv.id.clone(), inv.reply);
            let deadline = jiff::Timestamp::now().as_millisecond() + 30_000;
            let mut r = reply(200, inv.payload);
            let h = r.headers_mut();
            h.insert("lambda-runtime-aws-request-id", inv.id.parse().unwrap_or(::http::HeaderValue::from_static("0")));
            h.insert("lambda-runtime-deadline-ms", deadline.to_string().parse().unwrap_or(::http::HeaderValue::from_static("0")));
            h.insert(
                "lambda-runtime-invoked-function-arn",
                ::http::HeaderValue::from_static("arn:aws:lambda:us-east-1:123456789012:function:local"),
            );
            h.insert("lambda-runtime-trace-id", ::http::HeaderValue::from_static("Root=1-00000000-000000000000000000000000;Sampled=0"));
            h.insert("content-type", ::http::HeaderValue::from_static("application/json"));
            r
        }
        ("POST", ["invocation", id, kind @ ("response" | "error")]) => {
            if let Some(tx) = shared.pending.lock().await.remove(*id) {
                let _ = tx.send(if *kind == "response" { Outcome::Response(text) } else { Outcome::Error(text) });
            }
            reply(202, r#"{"status":"OK"}"#)
        }
        ("POST", ["init", "error"]) => {
            if let Some(tx) = shared.init_error.lock().await.take() {
                let _ = tx.send(Outcome::InitError(text));
            }
            reply(202, r#"{"status":"OK"}"#)
        }
        _ => reply(404, "unknown runtime API path"),
    }
}

impl Emulator {
    pub async fn start() -> Self {
        let (tx, rx) = mpsc::channel(16);
        let shared = Arc::new(Shared { queue: Mutex::new(rx), pending: Mutex::new(HashMap::new()), init_error: Mutex::new(None) });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind emulator");
        let addr = listener.local_addr().expect("addr");
        let s = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| {
                        let s = s.clone();
                        async move { Ok::<_, Infallible>(route(s, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        });
        Self { addr, tx, shared, next_id: std::sync::atomic::AtomicU64::new(1) }
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API`.
    pub fn runtime_api(&self) -> String {
        self.addr.to_string()
    }

    /// Queues an invocation and waits for the function's answer (or its init error).
    pub async fn invoke(&self, payload: impl Into<String>, timeout: Duration) -> Outcome {
        let id = format!("req-{}", self.next_id.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
        let (reply_tx, reply_rx) = oneshot::channel();
        let (init_tx, init_rx) = oneshot::channel();
        *self.shared.init_error.lock().await = Some(init_tx);
        self.tx.send(Invocation { id, payload: payload.into(), reply: reply_tx }).await.expect("emulator running");
        tokio::select! {
            r = reply_rx => r.unwrap_or(Outcome::Error("the function went away".into())),
            Ok(e) = init_rx => e,
            () = tokio::time::sleep(timeout) => Outcome::Error(format!("no answer within {timeout:?}")),
        }
    }
}

/// The environment Lambda gives every function, pointed at this emulator.
pub fn lambda_env(emulator: &Emulator, name: &str) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", emulator.runtime_api()),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_string()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".to_string()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "local".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Path of a built binary of this workspace (`make test` builds them first).
pub fn binary(name: &str, release: bool) -> std::path::PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| crate::root().join("target"));
    let path = target.join(if release { "release" } else { "debug" }).join(name);
    assert!(path.is_file(), "{} is not built: run `cargo build --bins` (make test does)", path.display());
    path
}
