//! Pages that exist only in local mode: the mailbox (every email and text "sent"), and the
//! index page shown until the web portal is built; plus static files from `web/dist`.
use std::path::Path;

use bytes::Bytes;
use http_body_util::Full;
use portal_domain::ports::Ids;
use portal_embedded::Mailbox;
use portal_embedded::mailbox::Message;
use portal_http::response::escape_html;

use crate::app::bytes_response;

type Resp = hyper::Response<Full<Bytes>>;

pub(crate) fn html(body: String) -> Resp {
    let mut r = bytes_response(200, "text/html; charset=utf-8", body.into());
    let h = r.headers_mut();
    h.insert(
        "content-security-policy",
        http::HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"),
    );
    h.insert("cache-control", http::HeaderValue::from_static("no-store"));
    r
}

pub fn mailbox_json(mailbox: &Mailbox) -> Resp {
    match mailbox.list(200) {
        Ok(list) => {
            bytes_response(200, "application/json", serde_json::to_vec(&serde_json::json!({ "messages": list })).unwrap_or_default().into())
        }
        Err(e) => crate::app::from_lambda(portal_http::ApiError::internal(e).into_response()),
    }
}

/// Escapes text and turns http(s) URLs into links.
fn linkify(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let e = escape_html(trimmed);
                format!("<a href=\"{e}\">{e}</a>{}", &word[trimmed.len()..])
            } else {
                escape_html(word)
            }
        })
        .collect()
}

pub fn mailbox_html(mailbox: &Mailbox, query: Option<&str>) -> Resp {
    let list = match mailbox.list(200) {
        Ok(l) => l,
        Err(e) => return crate::app::from_lambda(portal_http::ApiError::internal(e).into_response()),
    };
    let mut rows = String::new();
    for m in &list {
        let (kind, to, subject, text) = match &m.message {
            Message::Email(mail) => ("Email", mail.to.as_str().to_string(), mail.subject.clone(), mail.text.clone()),
            Message::Text { to, text } => ("Text", to.as_str().to_string(), String::new(), text.clone()),
        };
        // A reply typed here is built as a real MIME reply and received by inbound-email.
        let reply = match &m.message {
            Message::Email(mail) if mail.reply_to.is_some() => format!(
                "<form method=\"post\" action=\"/dev/mailbox/{}/reply\"><label for=\"r{0}\">Reply as {}</label>\
                 <textarea id=\"r{0}\" name=\"text\" rows=\"3\" required></textarea><button type=\"submit\">Send reply</button></form>",
                m.id,
                escape_html(&to)
            ),
            _ => String::new(),
        };
        rows.push_str(&format!(
            "<article id=\"m{}\"><header><strong>{kind}</strong> to {} <time>{}</time></header><h2>{}</h2><pre>{}</pre>{reply}</article>",
            m.id,
            escape_html(&to),
            escape_html(&m.at.to_string()),
            escape_html(&subject),
            linkify(&text)
        ));
    }
    if rows.is_empty() {
        rows = "<p>No messages yet. Request a sign-in link and it will appear here.</p>".into();
    }
    let replied = query
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "replied").map(|(_, v)| v.into_owned()))
        .map(|outcome| format!("<p role=\"status\" class=\"said\">{}</p>", escape_html(&said(&outcome))))
        .unwrap_or_default();
    let rows = format!("{replied}{rows}");
    html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Local mailbox</title><style>body{{font:16px system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}\
         article{{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}}time{{color:#555;margin-left:.5rem}}\
         h2{{font-size:1.1rem}}pre{{white-space:pre-wrap}}textarea{{display:block;width:100%;font:inherit;margin:.5rem 0}}\
         button{{min-height:44px;padding:0 1rem;font:inherit}}.said{{background:#eef6ee;padding:.75rem;border-radius:6px}}</style></head><body><h1>Local mailbox</h1>\
         <p>Every email and text the portal sends in local mode, newest first. <a href=\"/dev/mailbox.json\">JSON</a></p>{rows}</body></html>"
    ))
}

/// What CloudFront's response-headers policy sets on the portal in AWS (see template.yaml).
pub const PAGE_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
];

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file from the built web portal; unknown paths get the app's `index.html` (client-side
/// routes). Without a build, the index page explains what is running.
pub fn static_file(web_dir: Option<&Path>, path: &str, demo: Option<&crate::seed::Demo>) -> Resp {
    let Some(dir) = web_dir else { return index_page(demo) };
    let relative = path.trim_start_matches('/');
    let safe = !relative.split('/').any(|s| s == ".." || s.starts_with('.') || s.contains('\\'));
    let candidate = if safe && !relative.is_empty() { dir.join(relative) } else { dir.join("index.html") };
    let file = if candidate.is_file() {
        candidate
    } else if relative.starts_with("admin") {
        dir.join("admin/index.html")
    } else {
        dir.join("index.html")
    };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let mut r = bytes_response(200, content_type(&file), bytes.into());
            for (k, v) in PAGE_HEADERS {
                r.headers_mut().insert(k, http::HeaderValue::from_static(v));
            }
            let immutable = relative.starts_with("assets/");
            let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
            if let Ok(v) = http::HeaderValue::from_str(cache) {
                r.headers_mut().insert("cache-control", v);
            }
            r
        }
        Err(_) => crate::app::from_lambda(portal_http::ApiError::NotFound("page").into_response()),
    }
}

fn index_page(demo: Option<&crate::seed::Demo>) -> Resp {
    let links = demo
        .map(|d| {
            format!(
                "<h2>Demo sign-in links</h2><p>Customer ({}): <code>{}</code></p><p>Staff ({}): <code>{}</code></p>",
                escape_html(&d.customer_email),
                escape_html(&d.customer_link),
                escape_html(&d.staff_email),
                escape_html(&d.staff_link)
            )
        })
        .unwrap_or_default();
    html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchboard (local)</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}code{{word-break:break-all}}</style></head>\
         <body><h1>Switchboard is running locally</h1><p>The web portal is not built yet (<code>make web</code>). \
         The API is at <a href=\"/api/openapi.json\">/api</a>; mail and texts land in the <a href=\"/dev/mailbox\">local mailbox</a>.</p>{links}</body></html>"
    ))
}

/// What became of a reply, in words.
fn said(outcome: &str) -> String {
    match outcome {
        "posted" => "Your reply was received and posted to the thread.".into(),
        "duplicate" => "That reply was received already.".into(),
        "unrouted" => "That reply names no thread; it was not posted.".into(),
        o if o.starts_with("held:") => format!("Your reply was held for the office to review ({}).", &o[5..]),
        o if o.starts_with("ignored:") => format!("Your reply was ignored ({}).", &o[8..]),
        o => o.to_string(),
    }
}

/// A reply from the mailbox page: `text` (and, to try what the office is shown, another
/// `from` address), as a form or as JSON.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    text: String,
    #[serde(default)]
    from: Option<String>,
}

/// Builds a real MIME reply to mailbox message `id` (quoted original, `In-Reply-To`,
/// `References`, the verdict headers SES adds on receipt), stores it where SES would, and runs
/// inbound-email on it. A form gets a redirect back to the mailbox; JSON gets the outcome.
pub async fn reply(app: &crate::app::App, id: u64, req: hyper::Request<hyper::body::Incoming>) -> Resp {
    use http_body_util::{BodyExt, Limited};
    let json = req.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    let Ok(body) = Limited::new(req.into_body(), 64 * 1024).collect().await.map(|b| b.to_bytes()) else {
        return crate::app::from_lambda(portal_http::ApiError::PayloadTooLarge.into_response());
    };
    let parsed: Option<Reply> = if json {
        serde_json::from_slice(&body).ok()
    } else {
        let mut text = None;
        let mut from = None;
        for (k, v) in form_urlencoded::parse(&body) {
            match k.as_ref() {
                "text" => text = Some(v.into_owned()),
                "from" => from = Some(v.into_owned()).filter(|f| !f.is_empty()),
                _ => {}
            }
        }
        text.map(|text| Reply { text, from })
    };
    let Some(r) = parsed.filter(|r| !r.text.trim().is_empty() && r.text.len() <= 16_000) else {
        let e = portal_domain::FieldErrors::one("text", "write a reply of at most 16,000 characters");
        return crate::app::from_lambda(portal_http::ApiError::Invalid(e).into_response());
    };
    let original = match app.mailbox.get(id) {
        Ok(Some(d)) => match d.message {
            Message::Email(mail) if mail.reply_to.is_some() => mail,
            _ => return crate::app::from_lambda(portal_http::ApiError::NotFound("email with a reply address").into_response()),
        },
        Ok(None) => return crate::app::from_lambda(portal_http::ApiError::NotFound("email").into_response()),
        Err(e) => return crate::app::from_lambda(portal_http::ApiError::internal(e).into_response()),
    };
    let from = r.from.unwrap_or_else(|| original.to.as_str().to_string());
    let raw = match reply_mime(&original, &from, &r.text, portal_domain::ports::Clock::now(app.clock.as_ref())) {
        Ok(raw) => raw,
        Err(e) => return crate::app::from_lambda(portal_http::ApiError::internal(e).into_response()),
    };
    let key = format!("inbound/{}", portal_domain::ports::RandomIds.id("eml"));
    let blob = portal_domain::ports::Blob { bytes: raw, content_type: "message/rfc822".into() };
    let size = blob.bytes.len();
    if let Err(e) = portal_domain::ports::Blobs::put(app.blobs.as_ref(), &key, &blob, "private, no-store").await {
        return crate::app::from_lambda(portal_http::ApiError::internal(e).into_response());
    }
    let outcome = match app.receive_email(&key, size).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "inbound-email failed on a local reply");
            return crate::app::from_lambda(portal_http::ApiError::internal(std::io::Error::other(e)).into_response());
        }
    };
    if json {
        return crate::app::bytes_response(200, "application/json", serde_json::json!({ "outcome": outcome }).to_string().into());
    }
    let mut resp = crate::app::bytes_response(303, "text/plain; charset=utf-8", Bytes::new());
    let to = format!("/dev/mailbox?replied={}#m{id}", portal_embedded::files::url_encode(&outcome));
    if let Ok(v) = http::HeaderValue::from_str(&to) {
        resp.headers_mut().insert("location", v);
    }
    resp
}

/// The reply a mail client would send to `original`: `From` the person, `To` its reply
/// address, `Re:` subject, `In-Reply-To` and `References` naming what it answers, the text
/// above the quoted original; with the headers SES adds when it receives mail that passed its
/// checks (local mode has no spam or virus scanner, and the sender is who the page says).
pub fn reply_mime(original: &portal_domain::ports::Mail, from: &str, text: &str, now: jiff::Timestamp) -> std::io::Result<Vec<u8>> {
    use mail_builder::MessageBuilder;
    use mail_builder::headers::raw::Raw;
    let domain = from.rsplit_once('@').map_or("localhost", |(_, d)| d).to_string();
    let ids: Vec<String> = original.references.iter().map(|r| r.trim_matches(['<', '>']).to_string()).collect();
    let quoted: String = original.text.lines().map(|l| format!("> {l}\n")).collect();
    let body = format!("{text}\n\nOn {}, {} wrote:\n{quoted}", now.strftime("%a, %b %-d, %Y at %-I:%M %p"), original.from_name);
    let mut b = MessageBuilder::new()
        .from(from.to_string())
        .to(original.reply_to.clone().unwrap_or_default())
        .subject(format!("Re: {}", original.subject))
        .date(now.as_second())
        .message_id(format!("{}@{domain}", portal_domain::ports::RandomIds.id("reply")))
        .header("X-SES-Spam-Verdict", Raw::new("PASS"))
        .header("X-SES-Virus-Verdict", Raw::new("PASS"))
        .header(
            "Authentication-Results",
            Raw::new(format!("amazonses.com; spf=pass (local mailbox) smtp.mailfrom={from}; dkim=pass header.i=@{domain}")),
        )
        .text_body(body);
    if !ids.is_empty() {
        b = b.in_reply_to(ids.clone()).references(ids);
    }
    b.write_to_vec()
}
