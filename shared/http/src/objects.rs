//! The objects a bucket event is about, for the functions S3 starts (process-upload,
//! inbound-email).
use serde_json::Value;

/// The keys of the objects an event is about, in either shape the bucket sends: an S3
/// notification (`Records`, as the local server sends it) or EventBridge's `Object Created`
/// (as the template routes it). S3 notifications URL-encode keys (spaces as `+`).
pub fn object_keys(payload: Value) -> Result<Vec<String>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Bridge {
        detail: BridgeDetail,
    }
    #[derive(serde::Deserialize)]
    struct BridgeDetail {
        object: BridgeObject,
    }
    #[derive(serde::Deserialize)]
    struct BridgeObject {
        key: String,
    }
    if payload.get("detail-type").and_then(Value::as_str) == Some("Object Created") {
        let b: Bridge = serde_json::from_value(payload)?;
        return Ok(vec![b.detail.object.key]);
    }
    let event: aws_lambda_events::event::s3::S3Event = serde_json::from_value(payload)?;
    Ok(event
        .records
        .into_iter()
        .filter_map(|r| {
            let o = r.s3.object;
            if let Some(k) = o.url_decoded_key.filter(|k| !k.is_empty()) {
                return Some(k);
            }
            let raw = o.key?.replace('+', " ");
            percent_encoding::percent_decode_str(&raw).decode_utf8().ok().map(|k| k.into_owned())
        })
        .collect())
}
