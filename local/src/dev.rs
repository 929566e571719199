//! Pages that exist only in local mode: the mailbox (every email and text "sent"), and the
//! index page shown until the web portal is built; plus static files from `web/dist`.
use std::path::Path;

use bytes::Bytes;
use http_body_util::Full;
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

pub fn mailbox_html(mailbox: &Mailbox) -> Resp {
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
        rows.push_str(&format!(
            "<article><header><strong>{kind}</strong> to {} <time>{}</time></header><h2>{}</h2><pre>{}</pre></article>",
            escape_html(&to),
            escape_html(&m.at.to_string()),
            escape_html(&subject),
            linkify(&text)
        ));
    }
    if rows.is_empty() {
        rows = "<p>No messages yet. Request a sign-in link and it will appear here.</p>".into();
    }
    html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Local mailbox</title><style>body{{font:16px system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}\
         article{{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}}time{{color:#555;margin-left:.5rem}}\
         h2{{font-size:1.1rem}}pre{{white-space:pre-wrap}}</style></head><body><h1>Local mailbox</h1>\
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
