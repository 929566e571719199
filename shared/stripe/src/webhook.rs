//! `Stripe-Signature` headers: `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`.
//!
//! The signed text is `"{t}.{raw body}"`, keyed with the whole endpoint secret (`whsec_…`) as
//! UTF-8 bytes. Only `v1` signatures count (a header with only `v0` is refused), the timestamp
//! must be within [`TOLERANCE_SECONDS`] of now, and any of several secrets may match, so an
//! endpoint secret can be rotated without dropping events. Comparisons are constant-time.
//!
//! Written here rather than taken from `async-stripe`'s webhook helper because that helper
//! takes a single secret and reads the system clock; the portal needs several secrets during
//! rotation and the injected clock.
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Largest accepted difference between the signature's timestamp and now.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the Stripe-Signature header has no v1 signature")]
    NoV1,
    #[error("the Stripe-Signature timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches any endpoint secret")]
    Mismatch,
}

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// Checks a header against the raw request body. Returns the signed timestamp.
pub fn verify(header: Option<&str>, payload: &[u8], secrets: &[&str], now: i64) -> Result<i64, SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match key {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => v1.push(unhex(value).ok_or(SignatureError::Malformed)?),
            _ => {} // v0 and schemes Stripe may add later are ignored
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if v1.is_empty() {
        return Err(SignatureError::NoV1);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let mut matched = subtle::Choice::from(0);
    for secret in secrets {
        let expected = mac(secret, timestamp, payload).finalize().into_bytes();
        let expected: &[u8] = &expected;
        for candidate in &v1 {
            matched |= expected.ct_eq(candidate.as_slice());
        }
    }
    if bool::from(matched) { Ok(timestamp) } else { Err(SignatureError::Mismatch) }
}

/// A header as Stripe would send it, for the local payment simulator and tests.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    format!("t={timestamp},v1={}", hex(&mac(secret, timestamp, payload).finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    // The vector in ../shared/fixtures/stripe/README.md.
    const SECRET: &str = "whsec_test_secret";
    const T: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    const HEADER: &str = "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";

    #[test]
    fn the_fixture_vector_verifies() {
        assert_eq!(verify(Some(HEADER), BODY, &[SECRET], T), Ok(T));
        assert_eq!(sign(BODY, SECRET, T), HEADER);
    }

    #[test]
    fn bad_headers_are_refused_for_the_right_reason() {
        let v0_only = "t=1700000000,v0=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";
        let cases: &[(Option<&str>, &[u8], i64, SignatureError)] = &[
            (None, BODY, T, SignatureError::Missing),
            (Some("  "), BODY, T, SignatureError::Missing),
            (Some("garbage"), BODY, T, SignatureError::Malformed),
            (Some("t=soon,v1=00"), BODY, T, SignatureError::Malformed),
            (Some("v1=d95c6b"), BODY, T, SignatureError::Malformed),
            (Some("t=1700000000,v1=zz"), BODY, T, SignatureError::Malformed),
            (Some(v0_only), BODY, T, SignatureError::NoV1),
            (Some(HEADER), BODY, T + TOLERANCE_SECONDS + 1, SignatureError::Stale),
            (Some(HEADER), BODY, T - TOLERANCE_SECONDS - 1, SignatureError::Stale),
            (Some(HEADER), br#"{"id":"evt_test_webhook","object":"event" }"#, T, SignatureError::Mismatch),
        ];
        for (header, body, now, expected) in cases {
            assert_eq!(verify(*header, body, &[SECRET], *now), Err(*expected), "{header:?}");
        }
        assert_eq!(verify(Some(HEADER), BODY, &["whsec_other"], T), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_edges_of_the_tolerance_are_accepted() {
        assert!(verify(Some(HEADER), BODY, &[SECRET], T + TOLERANCE_SECONDS).is_ok());
        assert!(verify(Some(HEADER), BODY, &[SECRET], T - TOLERANCE_SECONDS).is_ok());
    }

    #[test]
    fn any_secret_or_signature_may_match_during_rotation() {
        assert!(verify(Some(HEADER), BODY, &["whsec_new", SECRET], T).is_ok());
        let new = sign(BODY, "whsec_new", T);
        let both = format!("{HEADER},{}", new.split(',').nth(1).unwrap_or_default());
        assert!(verify(Some(&both), BODY, &["whsec_new"], T).is_ok());
        assert!(verify(Some(&both), BODY, &[SECRET], T).is_ok());
    }

    proptest! {
        #[test]
        fn what_is_signed_verifies_and_any_change_does_not(body in prop::collection::vec(any::<u8>(), 0..512), flip in any::<prop::sample::Index>(), t in 0i64..4_000_000_000) {
            let header = sign(&body, SECRET, t);
            prop_assert_eq!(verify(Some(&header), &body, &[SECRET], t), Ok(t));
            if !body.is_empty() {
                let mut changed = body.clone();
                let i = flip.index(changed.len());
                changed[i] ^= 1;
                prop_assert_eq!(verify(Some(&header), &changed, &[SECRET], t), Err(SignatureError::Mismatch));
            }
        }
    }
}
