//! Turning an API Gateway request into typed values.
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use portal_domain::{DomainError, FieldErrors};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Default limit for JSON bodies.
pub const MAX_BODY: usize = 16 * 1024;

/// `METHOD /path/{param}` as API Gateway matched it; functions dispatch on it.
pub fn route_key(req: &Request) -> Option<String> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone(),
        _ => None,
    }
}

/// A path parameter parsed into its type. A malformed id cannot name anything: 404.
pub fn path<T: std::str::FromStr<Err = DomainError>>(req: &Request, name: &str, what: &'static str) -> Result<T, ApiError> {
    req.path_parameters_ref().and_then(|p| p.first(name)).and_then(|v| v.parse().ok()).ok_or(ApiError::NotFound(what))
}

/// The client's address as API Gateway saw it.
pub fn source_ip(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The user agent, cut to 512 characters (it is stored with signatures and audit entries).
pub fn user_agent(req: &Request) -> String {
    let ua = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ua.chars().take(512).collect()
}

/// A cookie's value.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    // API Gateway v2 joins the `cookies` array into one header; local mode passes it as is.
    req.headers().get_all("cookie").iter().filter_map(|v| v.to_str().ok()).flat_map(|h| h.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// A query string parameter.
pub fn query(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref().and_then(|q| q.first(name)).map(str::to_string)
}

/// Like [`json`], but an empty body is the same as `{}` (actions whose fields are optional).
pub fn json_or_default<T: DeserializeOwned + Default>(req: &Request, limit: usize) -> Result<T, ApiError> {
    let empty = match req.body() {
        Body::Text(t) => t.trim().is_empty(),
        Body::Binary(b) => b.is_empty(),
        _ => true,
    };
    if empty { Ok(T::default()) } else { json(req, limit) }
}

/// Parses a JSON body: `application/json`, at most `limit` bytes, every field of the right
/// type. Errors name the field (`items[2].quantity`) so the client can show them in place.
pub fn json<T: DeserializeOwned>(req: &Request, limit: usize) -> Result<T, ApiError> {
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes: &[u8] = match req.body() {
        Body::Text(s) => s.as_bytes(),
        Body::Binary(b) => b,
        Body::Empty => b"",
        _ => b"",
    };
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (field, message) = describe(&path, &inner);
        ApiError::Invalid(FieldErrors::one(field, message))
    })
}

/// A field path and a message for a serde error that never repeats what the client sent.
fn describe(path: &str, e: &serde_json::Error) -> (String, String) {
    let at = |p: &str| if p == "." || p.is_empty() { "body".to_string() } else { p.to_string() };
    let join = |name: &str| if path == "." || path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    if e.is_syntax() || e.is_eof() {
        return ("body".into(), "is not valid JSON".into());
    }
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let quoted = |t: &str| t.split('`').nth(1).map(str::to_string);
    if let Some(rest) = text.strip_prefix("missing field ") {
        return (join(&quoted(rest).unwrap_or_default()), "is required".into());
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        return (join(&quoted(rest).unwrap_or_default()), "is not a field of this request".into());
    }
    if text.starts_with("invalid type") || text.starts_with("invalid value") || text.starts_with("invalid length") {
        let expected = text.split(", expected ").nth(1).unwrap_or("another value");
        return (at(path), format!("must be {expected}"));
    }
    // Messages from our own parsers (ids, emails, amounts) are written for people.
    (at(path), text.to_string())
}

/// Where the request came from.
pub fn origin(req: &Request) -> portal_domain::audit::Origin {
    portal_domain::audit::Origin { ip: source_ip(req), user_agent: user_agent(req) }
}
