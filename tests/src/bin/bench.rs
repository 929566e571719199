//! `make bench`: the budgets of DESIGN.md §9 that this code base has so far.
//!
//! - cold start of each function binary (spawn to first response through the Runtime API
//!   emulator) against a hello-world `lambda_http` binary measured in the same run;
//! - stripped release binary sizes;
//! - handler time in process on the embedded store (p50/p99 of GET estimate, the dashboard and
//!   a job page);
//! - requests per second of GET estimate against the release local server on loopback;
//! - the adoption figures of a contractor with 20,000 customers (read from their counters),
//!   against recounting them from every customer's records;
//! - a 12 MP phone photo (4032 x 3024, EXIF orientation 6, about 6 MB) made into its two
//!   renditions by process-upload's code and by sharp (libvips, installed for the bench only),
//!   each in its own process: time and peak memory.
//!
//! Every load is bounded in requests and time and targets 127.0.0.1 only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use portal_tests::emulator::binary;
use portal_tests::events;
use portal_tests::http::Http;
use portal_tests::lambda::{Backend, boot, token};

/// Enough runs that the median of a 2-4 ms start holds still on a two-core machine (15 runs
/// swung a binary by 0.8x between two runs of the bench).
const COLD_RUNS: usize = 61;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

/// Spawn-to-first-response of one binary, `COLD_RUNS` times; the median.
async fn cold_start(bin: &str, env: Vec<(String, String)>, payload: &str) -> Duration {
    let mut times = Vec::new();
    for _ in 0..COLD_RUNS {
        let started = Instant::now();
        let f = boot(&binary(bin, true), bin, env.clone()).await;
        let outcome = f.emulator.invoke(payload.to_string(), Duration::from_secs(30)).await;
        let elapsed = started.elapsed();
        assert!(matches!(outcome, portal_tests::emulator::Outcome::Response(_)), "{bin}: {outcome:?}");
        times.push(elapsed);
    }
    median(times)
}

/// A webhook delivery without its signature header.
fn unsigned_webhook() -> String {
    let mut v: serde_json::Value = serde_json::from_str(&events::raw("stripe-webhook", "checkout-session-completed-card")).unwrap();
    v["headers"].as_object_mut().unwrap().remove("stripe-signature");
    v.to_string()
}

async fn cold_starts() {
    let backend = Backend::start().await;
    let hello = cold_start("hello-lambda", vec![], &events::raw("view-estimate", "list")).await;
    println!("\n## Cold start (median of {COLD_RUNS}, spawn to first response via the Runtime API emulator)\n");
    println!("| binary | first request | cold start | vs hello-world | budget 1.5x |");
    println!("|---|---|---|---|---|");
    println!("| hello-lambda | any | {:.1} ms | 1.00x | |", hello.as_secs_f64() * 1e3);
    let t = token(&backend.key, "acc_whitfield", "con_dana");
    let cases = [
        ("auth", "request-link-invalid (no AWS call)", events::raw("auth", "request-link-invalid")),
        ("auth", "tenant-profile (DynamoDB on moto)", events::raw("auth", "tenant-profile")),
        ("view-estimate", "list without a token (no AWS call)", events::raw("view-estimate", "list")),
        ("view-estimate", "list (DynamoDB on moto)", events::with_token("view-estimate", "list", &t)),
        ("approve-estimate", "approve without a token (no AWS call)", events::raw("approve-estimate", "approve")),
        ("approve-estimate", "approve-invalid (DynamoDB on moto)", events::with_token("approve-estimate", "approve-invalid", &t)),
        ("view-invoice", "list without a token (no AWS call)", events::raw("view-invoice", "list")),
        ("view-jobs", "home without a token (no AWS call)", events::raw("view-jobs", "home")),
        ("view-jobs", "home (DynamoDB on moto)", events::with_token("view-jobs", "home", &t)),
        ("manage-visit", "confirm without a token (no AWS call)", events::raw("manage-visit", "confirm")),
        ("pay", "pay without a token (no AWS call)", events::raw("pay", "pay-invoice")),
        ("admin-api", "me without a token (no AWS call)", events::raw("admin-api", "me")),
        ("media", "upload without a token (no AWS call)", events::raw("media", "start-upload")),
        ("upload-photo", "slot without a token (no AWS call)", events::raw("upload-photo", "slot")),
        ("process-upload", "a logo's upload, not a file's (no AWS call)", events::raw("process-upload", "logo-upload")),
        ("inbound-email", "an object outside inbound/ (no AWS call)", events::raw("process-upload", "logo-upload")),
        ("send-notifications", "an empty stream batch (no AWS call)", r#"{"Records": []}"#.to_string()),
        ("send-notifications", "the schedule (DynamoDB on moto)", events::raw("send-notifications", "schedule")),
        ("stripe-webhook", "no signature (no AWS call)", unsigned_webhook()),
        (
            "stripe-webhook",
            "signed event (Secrets Manager and DynamoDB on moto)",
            portal_tests::lambda::signed_now("checkout-session-completed-card"),
        ),
    ];
    // A function added to the registry without a case here is measured on its first event.
    let mut cases = cases.to_vec();
    for f in portal_local::registry::FUNCTIONS {
        if !cases.iter().any(|(bin, _, _)| *bin == f.name)
            && let Some(first) = events::cases(f.name).into_iter().next()
        {
            cases.push((f.name, "its first event (no case written yet)", events::raw(f.name, &first)));
        }
    }
    for (bin, what, payload) in cases {
        let d = cold_start(bin, backend.env(bin), &payload).await;
        let ratio = d.as_secs_f64() / hello.as_secs_f64();
        let verdict = if what.contains("no AWS") { if ratio <= 1.5 { "ok" } else { "OVER" } } else { "(includes a moto round trip)" };
        println!("| {bin} | {what} | {:.1} ms | {ratio:.2}x | {verdict} |", d.as_secs_f64() * 1e3);
    }
}

fn sizes() {
    println!("\n## Release binaries (stripped; opt-level s, fat LTO, 1 codegen unit, panic=abort)\n");
    println!("| binary | size | budget 8 MB |");
    println!("|---|---|---|");
    // Every function of the registry, so a new one is measured without an edit here.
    for bin in std::iter::once("hello-lambda").chain(portal_local::registry::FUNCTIONS.iter().map(|f| f.name)) {
        let bytes = std::fs::metadata(binary(bin, true)).map(|m| m.len()).unwrap_or(0);
        let mb = bytes as f64 / 1_048_576.0;
        println!("| {bin} | {mb:.2} MB | {} |", if mb <= 8.0 { "ok" } else { "OVER" });
    }
}

/// p50 and p99 of `calls` in-process calls of one read, after a first call (which may write).
async fn time_read(what: &str, calls: usize, mut call: impl AsyncFnMut() -> u16) {
    assert_eq!(call().await, 200, "{what}");
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let start = Instant::now();
        let status = call().await;
        times.push(start.elapsed());
        assert_eq!(status, 200, "{what}");
    }
    let p50 = percentile(&mut times, 0.50);
    let p99 = percentile(&mut times, 0.99);
    println!(
        "| {what} | {:.3} ms | {:.3} ms | {} |",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        if p99 <= Duration::from_millis(2) { "ok" } else { "OVER" }
    );
}

async fn handler_latency() {
    use portal_domain::ports::{Clock, Ids, RandomIds, SystemClock};
    use portal_http::function::HttpFunction;
    let store = portal_embedded::Store::in_memory().unwrap();
    let table: Arc<dyn portal_store::Table> = Arc::new(store.table());
    portal_local::seed::seed(table.as_ref(), &RandomIds, SystemClock.now(), "https://portal.test").await.unwrap();
    let key = portal_http::token::KeyFile::generate("bench", RandomIds.secret()).unwrap();
    let verifier = portal_http::token::Verifier::new(portal_http::token::PublicKeys::from_jwks(&key.public_jwks().unwrap()).unwrap());
    // The job page signs its photos' addresses (files, as locally; no request is made).
    let blob_dir = tempfile::tempdir().unwrap();
    let blobs =
        Arc::new(portal_embedded::files::FileBlobs::new(blob_dir.path(), "https://portal.test", RandomIds.secret(), Arc::new(SystemClock)));
    let deps = portal_http::function::Deps::new(table).with_verifier(verifier).with_blobs(blobs);
    let dana = token(&key, "acc_whitfield", "con_dana");
    println!("\n## Handler time in process, embedded store (20,000 calls each, incl. token verification)\n");
    println!("| read | p50 | p99 | budget p99 <= 2 ms |");
    println!("|---|---|---|---|");
    let estimates = view_estimate::State::build(&deps).unwrap();
    let payload = events::with_token("view-estimate", "get", &dana);
    time_read("GET /api/estimates/{id}", 20_000, async || {
        estimates.handle(events::request(&payload), SystemClock.now()).await.status().as_u16()
    })
    .await;
    let jobs = view_jobs::State::build(&deps).unwrap();
    let home = events::with_token("view-jobs", "home", &dana);
    time_read("GET /api/home (the dashboard)", 20_000, async || {
        jobs.handle(events::request(&home), SystemClock.now()).await.status().as_u16()
    })
    .await;
    let job = events::with_token("view-jobs", "get", &dana);
    time_read("GET /api/jobs/{job} (with its timeline)", 20_000, async || {
        jobs.handle(events::request(&job), SystemClock.now()).await.status().as_u16()
    })
    .await;
    let kitchen = job.replace("job_bathfan", "job_kitchen");
    time_read("GET /api/jobs/{job} (two photos, four signed addresses)", 20_000, async || {
        jobs.handle(events::request(&kitchen), SystemClock.now()).await.status().as_u16()
    })
    .await;
}

async fn throughput() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = tokio::process::Command::new(binary("portal-local", true))
        .env("PORT", port.to_string())
        .env("DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start portal-local");
    let http = Http::new(format!("http://127.0.0.1:{port}"));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    http.post("/api/auth/link", None, &serde_json::json!({"tenant": "bright-spark", "email": "dana@example.com"})).await;
    // The outbox sender delivers the link (the local server runs it every second).
    let mut text = String::new();
    for _ in 0..100 {
        let mail = http.get("/dev/mailbox.json", None).await.json();
        if let Some(t) = mail["messages"][0]["text"].as_str().filter(|t| t.contains("token=")) {
            text = t.to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let link = text[text.find("token=").unwrap() + 6..].split_whitespace().next().unwrap().to_string();
    let session = http.post("/api/auth/session", None, &serde_json::json!({"token": link})).await.json();
    let at = Arc::new(session["access_token"].as_str().unwrap().to_string());
    http.get("/api/estimates/est_panel", Some(&at)).await; // the first view writes

    const CONNECTIONS: usize = 32;
    const MAX_REQUESTS: u64 = 200_000;
    let deadline = Instant::now() + Duration::from_secs(5);
    let (ok, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (http, at, ok, errors) = (Http::new(http.base.clone()), at.clone(), ok.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline && ok.load(Ordering::Relaxed) + errors.load(Ordering::Relaxed) < MAX_REQUESTS {
                let r = http.get("/api/estimates/est_panel", Some(&at)).await;
                if r.status == 200 {
                    ok.fetch_add(1, Ordering::Relaxed)
                } else {
                    errors.fetch_add(1, Ordering::Relaxed)
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let (ok, errors) = (ok.load(Ordering::Relaxed), errors.load(Ordering::Relaxed));
    let rps = ok as f64 / secs;
    println!(
        "\n## Local server, GET /api/estimates/{{id}} ({CONNECTIONS} connections, {secs:.1} s, loopback, client and server on the same 2 cores)\n"
    );
    println!(
        "{rps:.0} requests/s, {ok} ok, {errors} errors (budget >= 5,000/s with no errors: {})",
        if rps >= 5000.0 && errors == 0 { "ok" } else { "OVER" }
    );
    let _ = server.kill().await;
}

/// Customers of the contractor the adoption figures are read for.
const CUSTOMERS: usize = 20_000;

async fn adoption_at_scale() {
    use portal_domain::audit::{Actor, Origin};
    use portal_domain::party::{Account, AccountKind, Contact, ContactRole};
    use portal_domain::ports::{Clock, Ids, RandomIds, SystemClock};
    use portal_http::function::HttpFunction;
    let store = portal_embedded::Store::in_memory().unwrap();
    let table: Arc<dyn portal_store::Table> = Arc::new(store.table());
    let now = SystemClock.now();
    portal_local::seed::seed(table.as_ref(), &RandomIds, now, "https://portal.test").await.unwrap();
    let t: portal_domain::ids::TenantId = "ten_brightspark".parse().unwrap();
    let act = portal_app::Act {
        table: table.as_ref(),
        ids: &RandomIds,
        tenant: t.clone(),
        actor: Actor::Staff { id: "stf_morgan".into(), name: "Morgan Reyes".into() },
        origin: Origin::default(),
        now,
    };
    let start = Instant::now();
    for i in 0..CUSTOMERS {
        let account = Account {
            id: portal_domain::ids::AccountId::generate(&RandomIds),
            tenant: t.clone(),
            name: format!("Customer {i:05}"),
            kind: AccountKind::Residential,
            stripe_customer: None,
            lead: false,
        };
        let contact = Contact {
            id: portal_domain::ids::ContactId::generate(&RandomIds),
            tenant: t.clone(),
            account: account.id.clone(),
            name: format!("Contact {i:05}"),
            email: None,
            phone: None,
            role: ContactRole::Approver,
            properties: None,
            portal_enabled: true,
            activity: Default::default(),
        };
        portal_app::customers::create(&act, &account, &contact, None).await.unwrap();
        // Every fourth contact has signed in.
        if i % 4 == 0 {
            portal_app::customers::signed_in(table.as_ref(), &t, &account.id, &contact.id, now).await.unwrap();
        }
    }
    let filled = start.elapsed();
    let key = portal_http::token::KeyFile::generate("bench", RandomIds.secret()).unwrap();
    let verifier = portal_http::token::Verifier::new(portal_http::token::PublicKeys::from_jwks(&key.public_jwks().unwrap()).unwrap());
    let state = admin_api::State::build(&portal_http::function::Deps::new(table.clone()).with_verifier(verifier)).unwrap();
    let payload =
        events::with_token("admin-api", "adoption", &portal_tests::lambda::staff_token(&key, "ten_brightspark", "stf_morgan", "owner"));
    let mut times = Vec::with_capacity(500);
    let mut body = String::new();
    for _ in 0..500 {
        let req = events::request(&payload);
        let start = Instant::now();
        let resp = state.handle(req, SystemClock.now()).await;
        times.push(start.elapsed());
        assert_eq!(resp.status(), 200);
        if let lambda_http::Body::Text(b) = resp.body() {
            body.clone_from(b);
        }
    }
    let figures: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(figures["contacts"].as_u64(), Some(CUSTOMERS as u64 + 4), "every contact is counted");
    let tenant = portal_store::repo::parties::get_tenant(table.as_ref(), &t).await.unwrap().unwrap();
    let start = Instant::now();
    let recount = portal_app::stats::recount(table.as_ref(), &tenant).await.unwrap();
    let recounted = start.elapsed();
    assert_eq!(portal_app::stats::summed(&recount), portal_app::stats::stored(table.as_ref(), &t).await.unwrap(), "counters = recount");
    println!("\n## Adoption figures of a contractor with {CUSTOMERS} customers (embedded store, 500 calls)\n");
    println!(
        "page p50 {:.3} ms, p99 {:.3} ms (4 reads: the tenant and three Queries of its counters); \
         recounting every customer's records instead (the page before the counters): {:.0} ms; \
         filling {CUSTOMERS} customers (with {} sign-ins) through the use cases: {:.1} s",
        percentile(&mut times, 0.50).as_secs_f64() * 1e3,
        percentile(&mut times, 0.99).as_secs_f64() * 1e3,
        recounted.as_secs_f64() * 1e3,
        CUSTOMERS / 4,
        filled.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    println!("# Switchboard benchmarks");
    // `bench photo`: the photo against sharp alone (after `make bench` built photo-bench and
    // installed sharp).
    if std::env::args().nth(1).as_deref() == Some("photo") {
        photo_processing();
        return;
    }
    sizes();
    cold_starts().await;
    handler_latency().await;
    throughput().await;
    adoption_at_scale().await;
    photo_processing();
    inbound_email();
}

/// A 1 MB email reply (a photo attached) parsed and checked, in its own process.
fn inbound_email() {
    let r = runs(5, || measured(&mut std::process::Command::new(binary("inbound-bench", true))));
    println!(
        "\n## An email reply of {:.1} MB (text and a photo) parsed and checked by inbound-email\n",
        r.2["bytes"].as_f64().unwrap_or(0.0) / 1e6
    );
    println!("| time (median of 50 parses) | peak memory of the process | budget |");
    println!("|---|---|---|");
    println!("| {:.1} ms | {:.0} MB | Lambda's 512 MB, 30 s |", r.0, r.1 / 1024.0);
}

/// Runs `cmd` and reads the `{"ms", "peak_kb"}` line it prints.
fn measured(cmd: &mut std::process::Command) -> (f64, f64, serde_json::Value) {
    let out = cmd.output().expect("the photo benchmark runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    (v["ms"].as_f64().unwrap_or(0.0), v["peak_kb"].as_f64().unwrap_or(0.0), v)
}

/// The median time and the highest peak of `runs` runs.
fn runs(n: usize, mut run: impl FnMut() -> (f64, f64, serde_json::Value)) -> (f64, f64, serde_json::Value) {
    let mut all: Vec<(f64, f64, serde_json::Value)> = (0..n).map(|_| run()).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let peak = all.iter().map(|x| x.1).fold(0.0, f64::max);
    let mid = all.swap_remove(n / 2);
    (mid.0, peak, mid.2)
}

fn photo_processing() {
    const RUNS: usize = 7;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone-12mp.jpg");
    // A camera's photo: a phone's JPEG is 4:2:0 (full-resolution brightness, colour at half
    // in each direction) at quality 92-95, and sensor noise keeps a 12 MP one at about 6 MB.
    // The image crate's encoder writes 4:4:4 only, which no phone does, so jpeg-encoder makes
    // it with the phone's chroma layout.
    let mut seed = 12_345u32;
    let img = image::RgbImage::from_fn(4032, 3024, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (seed >> 24) / 4;
        let c = |v: u32| (v % 200 + n).min(255) as u8;
        image::Rgb([c(x / 16), c(y / 12), c((x + y) / 28)])
    });
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.encode(img.as_raw(), 4032, 3024, jpeg_encoder::ColorType::Rgb).unwrap();
    let photo = portal_testkit::photos::with_exif(&jpeg, 6, "2026:11:30 14:05:09");
    std::fs::write(&path, &photo).unwrap();
    let ours = runs(RUNS, || measured(std::process::Command::new(binary("photo-bench", true)).arg(&path)));
    let sharp_dir = portal_tests::root().join("infra/bench/sharp");
    let theirs = runs(RUNS, || measured(std::process::Command::new("node").arg(sharp_dir.join("photo.mjs")).arg(&path)));
    println!(
        "\n## A 12 MP photo into its renditions (4032 x 3024, {:.1} MB, orientation 6; median of {RUNS} runs, each its own process)\n",
        photo.len() as f64 / 1e6
    );
    println!("| | time | peak memory | display / thumbnail |");
    println!("|---|---|---|---|");
    let row = |who: &str, r: &(f64, f64, serde_json::Value)| {
        println!(
            "| {who} | {:.0} ms | {:.0} MB | {:.0} KB / {:.0} KB |",
            r.0,
            r.1 / 1024.0,
            r.2["display_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
            r.2["thumb_bytes"].as_f64().unwrap_or(0.0) / 1024.0
        )
    };
    row("process-upload (one thread)", &ours);
    row(&format!("sharp {} (libvips, {} threads)", "0.35.5", theirs.2["threads"]), &theirs);
    let (t, m) = (ours.0 / theirs.0, ours.1 / theirs.1);
    println!(
        "\nOurs / sharp's: time {t:.2}x (goal 0.8x: {}), peak memory {m:.2}x (goal 0.6x: {}).",
        if t <= 0.8 { "ok" } else { "OVER" },
        if m <= 0.6 { "ok" } else { "OVER" }
    );
}
