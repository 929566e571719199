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

/// A query string parameter read as its type (a status enum, for example): `None` when
/// absent, 400 naming the parameter and the values it takes when it is not one of them.
pub fn query_as<T: DeserializeOwned>(req: &Request, name: &str) -> Result<Option<T>, ApiError> {
    let Some(value) = query(req, name) else { return Ok(None) };
    serde_json::from_value(serde_json::Value::String(value)).map(Some).map_err(|e| {
        // serde lists our own names after ", expected "; the value sent is never repeated.
        let text = e.to_string();
        let expected = text.rsplit_once(", expected ").map(|(_, x)| x.replace('`', "")).filter(|x| x.starts_with("one of "));
        ApiError::Invalid(FieldErrors::one(name, expected.unwrap_or_else(|| "is not one of the allowed values".into())))
    })
}

/// Like [`json`], but an empty body is the same as `{}` (actions whose fields are optional).
pub fn json_or_default<T: DeserializeOwned + Default>(req: &Request, limit: usize) -> Result<T, ApiError> {
    // No body, an empty one, or JSON `null` (what a client sends for "no body") all mean
    // "nothing asked for".
    let empty = match req.body() {
        Body::Text(t) => matches!(t.trim(), "" | "null"),
        Body::Binary(b) => b.is_empty() || b.trim_ascii() == b"null",
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
    let refuse = |e: serde_path_to_error::Error<serde_json::Error>| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let (field, message) = describe(&path, &inner, bytes);
        ApiError::Invalid(FieldErrors::one(field, message))
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Ok(v),
        // Only a number written with a fraction where an integer goes takes the second
        // road (so everything else, duplicate keys included, is refused as before).
        Err(e) if e.inner().to_string().starts_with("invalid type: floating point") => {
            let mut value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|_| ApiError::Invalid(FieldErrors::one("body", "is not valid JSON")))?;
            integral_numbers(&mut value);
            serde_path_to_error::deserialize(value).map_err(refuse)
        }
        Err(e) => Err(refuse(e)),
    }
}

/// JSON has one number type: `2390.0` is the integer 2390 (RFC 8259 §6, JSON Schema's
/// `integer`), and clients and fuzzers send it so. Serde takes only `2390` for an integer
/// field, so numbers without a fraction become integers before the body is read; a real
/// fraction (`2390.5`) stays and is refused where an integer is wanted.
fn integral_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact below 2^53; beyond that a float cannot name one integer anyway.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *v = serde_json::Value::from(i);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// A field path and a message for a serde error that never repeats what the client sent:
/// serde's own texts quote the input (`unknown variant `<script>``), so each kind of error gets
/// a message of ours, and a path segment or a parser's message that holds anything the client
/// sent is replaced.
fn describe(path: &str, e: &serde_json::Error, body: &[u8]) -> (String, String) {
    if e.is_syntax() || e.is_eof() {
        return ("body".into(), "is not valid JSON".into());
    }
    let sent = sent_words(body, true);
    let echoes = |t: &str| sent.iter().any(|w| t.contains(w.as_str()));
    // A parser's message is about a value: the body's keys are the schema's own names (an
    // unknown one is refused above without a word of it), and our messages use those names.
    let values = sent_words(body, false);
    let echoes_value = |t: &str| values.iter().any(|w| t.contains(w.as_str()));
    let path = safe_path(path, &echoes);
    let at = |p: &str| if p == "." || p.is_empty() { "body".to_string() } else { p.to_string() };
    let join = |name: &str| if path == "." || path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let quoted = |t: &str| t.split('`').nth(1).map(str::to_string);
    if let Some(rest) = text.strip_prefix("missing field ") {
        // The name is ours (the schema's), not the client's.
        return (join(&quoted(rest).unwrap_or_default()), "is required".into());
    }
    if text.starts_with("unknown field ") {
        return (at(&path), "has a field this request does not take".into());
    }
    if text.starts_with("unknown variant ") {
        // `expected one of `a`, `b`` lists our own names.
        // serde's own `, expected` comes last: the value before it is the client's.
        let expected = text.rsplit_once(", expected ").map(|(_, e)| e).unwrap_or_default().replace('`', "");
        let message = if expected.is_empty() || echoes(&expected) {
            "is not one of the allowed values".to_string()
        } else {
            format!("must be {expected}")
        };
        return (at(&path), message);
    }
    if text.starts_with("invalid type") || text.starts_with("invalid value") || text.starts_with("invalid length") {
        let expected = text.rsplit_once(", expected ").map_or("another value", |(_, e)| e);
        let message = if echoes(expected) { "is not a value this field takes".to_string() } else { format!("must be {expected}") };
        return (at(&path), message);
    }
    // Messages from our own parsers (ids, emails, amounts) are written for people and quote
    // nothing; a library's (a date, a decimal) may quote part of the input: those get ours.
    let quotes = text.chars().any(|c| matches!(c, '"' | '`' | '\'' | '<' | '>' | '&' | '\\'));
    let message = if quotes || echoes_value(text) { "is not a value this field takes".to_string() } else { text.to_string() };
    (at(&path), message)
}

/// Every string, number and (with `keys`) object key in a JSON body (of two characters or
/// more): what an error message must not contain.
fn sent_words(body: &[u8], keys: bool) -> Vec<String> {
    fn walk(v: &serde_json::Value, keys: bool, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Number(n) => out.push(n.to_string()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, keys, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
                if keys {
                    out.push(k.clone());
                }
                walk(v, keys, out);
            }),
            serde_json::Value::Bool(_) | serde_json::Value::Null => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        walk(&v, keys, &mut out);
    }
    out.retain(|w| w.trim().chars().count() >= 2);
    out
}

/// The path with any segment that is not a plain name or index (a map key the client chose)
/// replaced by `*`.
fn safe_path(path: &str, echoes: &dyn Fn(&str) -> bool) -> String {
    path.split('.')
        .map(|seg| {
            let plain = seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'[' || b == b']');
            if plain && (seg.is_empty() || !echoes(seg) || is_schema_name(seg)) { seg.to_string() } else { "*".to_string() }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A segment that names a field or an index rather than a value: lower-case snake case, or
/// `name[3]`.
fn is_schema_name(seg: &str) -> bool {
    let name = seg.split('[').next().unwrap_or_default();
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Where the request came from.
pub fn origin(req: &Request) -> portal_domain::audit::Origin {
    portal_domain::audit::Origin { ip: source_ip(req), user_agent: user_agent(req) }
}

/// A page's `limit` (1 to 100, 25 when absent) and `cursor` from the query string.
pub fn paging(req: &Request) -> Result<(u32, Option<portal_store::table::Cursor>), ApiError> {
    let limit = match query(req, "limit") {
        None => 25,
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| portal_domain::DomainError::invalid("limit", "must be 1 to 100"))?,
    };
    Ok((limit, query(req, "cursor").map(portal_store::table::Cursor)))
}
