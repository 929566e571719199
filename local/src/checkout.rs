//! The payment simulator's checkout page (local mode only): what a customer would see at
//! Stripe Checkout, reduced to the outcomes that matter, each sending the events Stripe would.
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use portal_domain::money::Currency;
use portal_domain::payments::CheckoutMethod;
use portal_domain::ports::Clock;
use portal_embedded::simulator::{Choice, Session, SessionState};
use portal_http::response::escape_html;

use crate::App;
use crate::app::{bytes_response, from_lambda};

type Resp = hyper::Response<Full<Bytes>>;

fn redirect(to: &str) -> Resp {
    let mut r = bytes_response(303, "text/plain; charset=utf-8", Bytes::new());
    if let Ok(v) = http::HeaderValue::from_str(to) {
        r.headers_mut().insert("location", v);
    }
    r
}

fn not_found() -> Resp {
    from_lambda(portal_http::ApiError::NotFound("checkout session").into_response())
}

/// `GET /dev/checkout/{id}`, `POST /dev/checkout/{id}` (form `choice=…`) and
/// `POST /dev/checkout/{id}/settle`.
pub async fn page(app: &App, method: &http::Method, rest: &str, req: hyper::Request<Incoming>) -> Resp {
    let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(session) = app.simulator.session(id) else { return not_found() };
    match (method.as_str(), action) {
        ("GET", "") => render(&session, None),
        ("POST", "") => {
            let body = match Limited::new(req.into_body(), 1024).collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => return from_lambda(portal_http::ApiError::PayloadTooLarge.into_response()),
            };
            let choice = String::from_utf8_lossy(&body)
                .split('&')
                .find_map(|kv| kv.strip_prefix("choice="))
                .and_then(|c| serde_json::from_value::<Choice>(serde_json::Value::String(c.to_string())).ok());
            let Some(choice) = choice else {
                let e = portal_domain::FieldErrors::one("choice", "choose one of the outcomes");
                return from_lambda(portal_http::ApiError::Invalid(e).into_response());
            };
            let Some((after, events)) = app.simulator.choose(id, choice, app.clock.now()) else {
                return render(&session, Some("This checkout cannot take that choice any more."));
            };
            app.deliver_all(&events).await;
            match after.state {
                SessionState::Declined => render(&after, Some("Your card was declined. Try another card or pay by bank.")),
                _ => redirect(&after.request.success_url),
            }
        }
        ("POST", "settle") => {
            let events = app.simulator.settle_now(id, app.clock.now());
            app.deliver_all(&events).await;
            redirect(&session.request.success_url)
        }
        _ => not_found(),
    }
}

fn render(s: &Session, error: Option<&str>) -> Resp {
    let r = &s.request;
    let amount =
        Currency::try_from(r.currency.to_ascii_uppercase()).map_or_else(|_| format!("{} {}", r.amount, r.currency), |c| c.format(r.amount));
    let ach = r.methods.contains(&CheckoutMethod::UsBankAccount);
    let button = |choice: &str, label: &str| format!("<button name=\"choice\" value=\"{choice}\">{label}</button>");
    let body = match s.state {
        SessionState::Open | SessionState::Declined => {
            let mut b = String::from("<form method=\"post\"><h2>Card</h2>");
            b.push_str(&button("card_succeeds", "Pay with a card that succeeds"));
            b.push_str(&button("card_declined", "Pay with a card that is declined"));
            if ach {
                b.push_str("<h2>US bank account (ACH)</h2>");
                b.push_str(&button("ach_succeeds", "Bank debit: processing, then succeeds"));
                b.push_str(&button("ach_fails", "Bank debit: processing, then fails"));
            } else {
                b.push_str("<p class=\"note\">Bank debit is not offered for this amount.</p>");
            }
            b.push_str("</form>");
            b
        }
        SessionState::Settling => format!(
            "<p>The bank debit is processing; it settles by itself in a few seconds.</p>\
             <form method=\"post\" action=\"/dev/checkout/{}/settle\"><button>Settle now</button></form>",
            escape_html(&s.id)
        ),
        SessionState::Complete => "<p>This checkout is complete.</p>".to_string(),
    };
    let error = error.map(|e| format!("<p role=\"alert\" class=\"error\">{}</p>", escape_html(e))).unwrap_or_default();
    crate::dev::html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Test checkout</title><style>body{{font:16px system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}}\
         .banner{{background:#fff4d6;border:1px solid #e0b400;border-radius:6px;padding:.5rem 1rem}}\
         button{{display:block;width:100%;margin:.5rem 0;padding:.8rem;font:inherit;border-radius:6px;border:1px solid #888;background:#fff;cursor:pointer}}\
         .amount{{font-size:2rem;font-weight:700;margin:.5rem 0}}.error{{color:#a00;font-weight:600}}.note{{color:#555}}</style></head>\
         <body><p class=\"banner\">Payment simulator: local mode, no money moves.</p>\
         <h1>{desc}</h1><p class=\"amount\">{amount}</p>{error}{body}\
         <p><a href=\"{cancel}\">Cancel and go back</a></p></body></html>",
        desc = escape_html(&r.description),
        amount = escape_html(&amount),
        cancel = escape_html(&r.cancel_url),
    ))
}
