//! JSON responses with the headers every API answer carries.
use lambda_http::{Body, Response};

/// Security headers for API responses: nothing is cached, sniffed, framed or referred.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
];

pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"","fields":{}}}"#.into());
    let mut builder = Response::builder().status(status).header("content-type", "application/json");
    for (k, v) in SECURITY_HEADERS {
        builder = builder.header(k, v);
    }
    builder.body(Body::Text(body)).unwrap_or_else(|_| Response::new(Body::Empty))
}

pub fn ok<T: serde::Serialize + ?Sized>(value: &T) -> Response<Body> {
    json(200, value)
}

/// A file to download (`text/calendar`), never shown in the page nor cached.
pub fn download(content_type: &str, file_name: &str, body: String) -> Response<Body> {
    let safe: String = file_name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    let mut builder = Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("content-disposition", format!("attachment; filename=\"{safe}\""));
    for (k, v) in SECURITY_HEADERS {
        builder = builder.header(k, v);
    }
    builder.body(Body::Text(body)).unwrap_or_else(|_| Response::new(Body::Empty))
}

/// 204: done, nothing to say.
pub fn no_content() -> Response<Body> {
    let mut r = Response::new(Body::Empty);
    *r.status_mut() = http::StatusCode::NO_CONTENT;
    r
}

/// Adds a header to a built response (for cookies).
pub fn with_header(mut r: Response<Body>, name: &'static str, value: &str) -> Response<Body> {
    if let Ok(v) = http::HeaderValue::from_str(value) {
        r.headers_mut().append(name, v);
    }
    r
}

pub use portal_domain::escape_html;
