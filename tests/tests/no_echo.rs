//! Bad input is never echoed: every route of the OpenAPI document is sent markup in each of
//! its string and enum fields (body, path and query), one at a time and all at once, with a
//! customer's and a staff member's token; no error answer may contain it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_tests::server::TestServer;
use serde_json::{Map, Value, json};

const MARKUP: &str = "<script>alert(1)</script>";
/// Payloads that try to slip the markup past a parser: after serde's own separator, and after
/// a valid prefix (a date, a number) so a library quotes only the rest.
const PAYLOADS: [&str; 3] = [MARKUP, "x, expected <script>alert(1)</script>", "2030-12-31<script>alert(1)</script>"];

/// What the answer must not hold: the markup raw, JSON-escaped or HTML-escaped.
fn echoed(text: &str) -> bool {
    ["<script", "\\u003cscript", "&lt;script", "alert(1)"].iter().any(|m| text.contains(m))
}

/// Resolves `#/components/schemas/X` references.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")]),
        None => schema,
    }
}

/// A value for `schema` in which the `target`-th string leaf (counted in visiting order) is
/// `payload` (every string leaf when `target` is `None`) and the others are plausible.
fn sample(doc: &Value, schema: &Value, target: Option<usize>, seen: &mut usize, depth: usize) -> Value {
    sample_with(doc, schema, target, seen, depth, MARKUP)
}

fn sample_with(doc: &Value, schema: &Value, target: Option<usize>, seen: &mut usize, depth: usize, payload: &str) -> Value {
    let schema = resolve(doc, schema);
    if depth > 8 {
        return Value::Null;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[key].as_array().and_then(|a| a.iter().find(|s| s["type"] != "null")) {
            return sample_with(doc, first, target, seen, depth + 1, payload);
        }
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null").to_string(),
        _ if schema["properties"].is_object() => "object".into(),
        _ => "string".into(),
    };
    match kind.as_str() {
        "object" => {
            let mut out = Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (name, prop) in props {
                    out.insert(name.clone(), sample_with(doc, prop, target, seen, depth + 1, payload));
                }
            }
            Value::Object(out)
        }
        "array" => json!([sample_with(doc, &schema["items"], target, seen, depth + 1, payload)]),
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => {
            let i = *seen;
            *seen += 1;
            if target.is_none_or(|t| t == i) {
                json!(payload)
            } else {
                schema["enum"].get(0).cloned().or_else(|| schema["example"].as_str().map(|e| json!(e))).unwrap_or(json!("x"))
            }
        }
    }
}

/// A real id for a path parameter, so a request reaches its body.
fn real_id(path: &str, name: &str) -> &'static str {
    match name {
        "account" => "acc_whitfield",
        "contact" => "con_dana",
        "property" => "prp_maple",
        "estimate" | "subject" => "est_panel",
        "invoice" => "inv_service",
        "staff" => "stf_jordan",
        "tenant" => "ten_brightspark",
        _ if path.starts_with("/api/estimates") => "est_panel",
        _ if path.starts_with("/api/invoices") => "inv_service",
        _ => "pay_none",
    }
}

fn fill(path: &str, markup_in: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len() - 1);
        let name = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if markup_in == Some(name) {
            out.push_str("%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        } else {
            out.push_str(real_id(path, name));
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn no_answer_repeats_markup_sent_in_any_field_of_any_route() {
    let s = TestServer::start().await;
    let doc = s.http.get("/api/openapi.json", None).await.json();
    let dana = s.sign_in("dana@example.com").await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let cookie = format!("sb_refresh={}; sb_admin_refresh={}", dana.refresh_cookie, morgan.refresh_cookie);
    let mut sent = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let token =
                if path.starts_with("/api/admin") || path == "/api/auth/view-as" { &morgan.access_token } else { &dana.access_token };
            let auth = format!("Bearer {token}");
            let params: Vec<&Value> = op["parameters"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
            let path_params: Vec<&str> = params.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect();
            let query: Vec<&str> = params.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str()).collect();
            let body_schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
            let mut requests: Vec<(String, Option<Value>)> = Vec::new();
            let has_body = !body_schema.is_null();
            if has_body {
                let mut leaves = 0;
                let _ = sample(&doc, &body_schema, Some(usize::MAX), &mut leaves, 0);
                for payload in PAYLOADS {
                    for target in (0..leaves).map(Some).chain([None]) {
                        requests.push((fill(path, None), Some(sample_with(&doc, &body_schema, target, &mut 0, 0, payload))));
                    }
                }
            }
            for p in &path_params {
                requests.push((fill(path, Some(p)), has_body.then(|| json!({}))));
            }
            for q in &query {
                requests.push((format!("{}?{q}=%3Cscript%3Ealert(1)%3C%2Fscript%3E", fill(path, None)), None));
            }
            for (url, body) in requests {
                let mut headers = vec![("authorization", auth.as_str()), ("cookie", cookie.as_str())];
                if body.is_some() {
                    headers.push(("content-type", "application/json"));
                }
                let bytes = body.as_ref().map(|b| b.to_string().into_bytes());
                let r = s.http.send(&method.to_uppercase(), &url, &headers, bytes).await;
                sent += 1;
                assert!(r.status < 500, "{method} {url} {body:?}: {} {}", r.status, r.text());
                if r.status >= 400 {
                    assert!(!echoed(&r.text()), "{method} {url} echoes its input: {body:?} -> {}", r.text());
                }
            }
        }
    }
    assert!(sent > 200, "every route was tried ({sent} requests)");
}
