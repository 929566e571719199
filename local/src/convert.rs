//! Local HTTP requests become the API Gateway v2 events Lambda would receive, and go through
//! `lambda_http`'s own conversion, so local mode exercises the same request path as AWS.
use std::collections::HashMap;
use std::net::IpAddr;

use lambda_http::aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext};
use lambda_http::request::LambdaRequest;

use crate::routes::Route;

/// Builds the event for a matched route.
pub fn to_lambda(
    parts: http::request::Parts,
    body: Vec<u8>,
    route: &Route,
    params: HashMap<String, String>,
    peer: IpAddr,
    request_id: String,
    now: jiff::Timestamp,
) -> lambda_http::Request {
    let mut ctx = ApiGatewayV2httpRequestContext::default();
    ctx.route_key = Some(route.key());
    ctx.stage = Some("$default".into());
    ctx.request_id = Some(request_id);
    ctx.time_epoch = now.as_millisecond();
    ctx.http.method = parts.method.clone();
    ctx.http.path = Some(parts.uri.path().to_string());
    ctx.http.protocol = Some("HTTP/1.1".into());
    ctx.http.source_ip = Some(peer.to_string());
    ctx.http.user_agent = parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string);

    let mut headers = parts.headers;
    // API Gateway v2 moves cookies out of the headers into `cookies`.
    let cookies: Vec<String> = headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';').map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
        .collect();
    headers.remove("cookie");

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some(route.key());
    event.raw_path = Some(parts.uri.path().to_string());
    event.raw_query_string = Some(parts.uri.query().unwrap_or_default().to_string());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.path_parameters = params;
    event.request_context = ctx;
    match String::from_utf8(body) {
        Ok(text) if text.is_empty() => {}
        Ok(text) => event.body = Some(text),
        Err(e) => {
            use base64::Engine;
            event.body = Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes()));
            event.is_base64_encoded = true;
        }
    }
    LambdaRequest::ApiGatewayV2(event).into()
}
