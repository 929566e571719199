//! `events/<function>/<case>.json`: API Gateway v2 payloads shaped as API Gateway sends them,
//! for handler tests, binary tests and `sam local invoke -e`.

/// The raw payload.
pub fn raw(function: &str, case: &str) -> String {
    let path = crate::root().join("events").join(function).join(format!("{case}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The payload with a bearer token added, as a JSON string.
pub fn with_token(function: &str, case: &str, token: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&raw(function, case)).expect("event JSON");
    v["headers"]["authorization"] = serde_json::Value::String(format!("Bearer {token}"));
    v.to_string()
}

/// The payload as the request `lambda_http` builds from it.
pub fn request(payload: &str) -> lambda_http::Request {
    lambda_http::request::from_str(payload).expect("a valid API Gateway v2 event")
}

/// Every case of a function.
pub fn cases(function: &str) -> Vec<String> {
    let dir = crate::root().join("events").join(function);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
        .collect();
    out.sort();
    out
}
