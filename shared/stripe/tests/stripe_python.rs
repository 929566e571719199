//! Cross-checks signatures with Stripe's own Python library (`pip install stripe`, installed by
//! `make setup`): headers it makes verify here, and headers made here match its computation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use portal_stripe::webhook::{sign, verify};

/// HMACs computed by `stripe.WebhookSignature._compute_signature` for each (t, payload).
fn stripe_python(cases: &[(i64, String)], secret: &str) -> Vec<String> {
    let script = r#"
import json, sys
from stripe import WebhookSignature
cases, secret = json.loads(sys.stdin.read())
print(json.dumps([WebhookSignature._compute_signature(f"{t}.{p}", secret) for t, p in cases]))
"#;
    let input = serde_like_json(cases, secret);
    let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 must be installed (make setup)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "Stripe's Python library is needed (make setup installs it): {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim().trim_start_matches('[').trim_end_matches(']').split(',').map(|s| s.trim().trim_matches('"').to_string()).collect()
}

/// `[[[t, payload], ...], secret]` as JSON (payloads here are plain ASCII without quotes).
fn serde_like_json(cases: &[(i64, String)], secret: &str) -> String {
    let items: Vec<String> = cases.iter().map(|(t, p)| format!("[{t}, \"{p}\"]")).collect();
    format!("[[{}], \"{secret}\"]", items.join(", "))
}

#[test]
fn signatures_agree_with_stripes_python_library() {
    let secret = "whsec_5f2c8e1a9b7d4c3e";
    let cases: Vec<(i64, String)> = (0..20)
        .map(|i| (1_790_000_000 + i * 7919, format!("{{id:evt_{i},type:payment_intent.succeeded,amount:{}}}", 1000 + i * 37)))
        .collect();
    let theirs = stripe_python(&cases, secret);
    assert_eq!(theirs.len(), cases.len());
    for ((t, payload), hmac) in cases.iter().zip(&theirs) {
        let header = format!("t={t},v1={hmac}");
        assert_eq!(verify(Some(&header), payload.as_bytes(), &[secret], *t), Ok(*t), "their header verifies here");
        assert_eq!(sign(payload.as_bytes(), secret, *t), header, "our header is theirs");
    }
}
