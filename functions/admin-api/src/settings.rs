//! The contractor's settings: business, branding, payment rules, what the portal shows.
use lambda_http::{Body, Response};
use portal_domain::FieldErrors;
use portal_domain::job::WorkingHours;
use portal_domain::money::Currency;
use portal_domain::party::{Email, EstimateDefaults, Phone, PortalSections, Tenant};
use portal_domain::payments::PaymentRules;
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json};
use portal_http::{ApiError, Call, response};

use crate::State;
use crate::common::{session, tenant};

/// What the owner can change.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// `#rrggbb`.
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$")]
    pub primary_color: String,
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$")]
    pub accent_color: String,
    pub logo_url: Option<String>,
    pub support_email: Option<Email>,
    pub support_phone: Option<Phone>,
    pub welcome_message: String,
    /// IANA zone (`America/Chicago`).
    pub time_zone: String,
    #[schema(value_type = String, pattern = "^[A-Z]{3}$", example = "USD")]
    pub currency: Currency,
    /// BCP 47 (`en-US`).
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", example = "en-US")]
    pub locale: String,
    pub sections: PortalSections,
    pub payments: PaymentRules,
    /// Where the office hears of approvals, declines, change requests, requests for an
    /// updated estimate, payments and failed payments (none: nobody is told).
    #[serde(default)]
    pub notification_email: Option<Email>,
    /// The postal address printed at the foot of every email (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub address: String,
    /// What new estimates start with: tax rate and terms (the deposit is `payments.default_deposit`).
    #[serde(default)]
    pub estimate_defaults: EstimateDefaults,
    /// When the business works, Monday first (`null` for a day off), in `time_zone`: the
    /// windows customers may ask for when they move a visit. Kept as it is when left out.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
    /// Photo and document limits. Kept as they are when left out.
    #[serde(default)]
    pub files: Option<portal_domain::file::FileSettings>,
    /// The business's public review pages (Google, Facebook, Yelp), offered to every
    /// customer after they rate a job, whatever the score. Kept as they are when left out.
    #[serde(default)]
    pub review_links: Option<portal_domain::review::ReviewLinks>,
    /// Work requests: the categories customers choose from, the text shown with the phone
    /// number when one is urgent, the months of workmanship warranty. Kept when left out.
    #[serde(default)]
    pub requests: Option<portal_domain::request::RequestSettings>,
}

pub(crate) fn of(t: &Tenant) -> Settings {
    Settings {
        name: t.name.clone(),
        primary_color: t.branding.primary_color.clone(),
        accent_color: t.branding.accent_color.clone(),
        logo_url: t.branding.logo_url.clone(),
        support_email: t.support_email.clone(),
        support_phone: t.support_phone.clone(),
        welcome_message: t.welcome_message.clone(),
        time_zone: t.time_zone.clone(),
        currency: t.currency.clone(),
        locale: t.locale.clone(),
        sections: t.sections,
        payments: t.payments.clone(),
        notification_email: t.notification_email.clone(),
        address: t.address.clone(),
        estimate_defaults: t.estimate_defaults.clone(),
        working_hours: Some(t.working_hours.clone()),
        files: Some(t.files.clone()),
        review_links: Some(t.review_links.clone()),
        requests: Some(t.requests.clone()),
    }
}

pub(crate) fn color(e: &mut FieldErrors, field: &str, v: &str) {
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        e.add(field, "a colour like #0b5cad");
    }
}

#[utoipa::path(get, path = "/api/admin/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn get(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    Ok(response::ok(&of(&tenant(state, &s).await?)))
}

#[utoipa::path(put, path = "/api/admin/settings", tag = "admin", security(("bearer" = [])), request_body = Settings,
    responses((status = 200, body = Settings), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The owner changes the settings; every change is in the tenant's audit log.
pub async fn put(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.must_own()?;
    let body: Settings = json(req, MAX_BODY)?;
    let mut e = FieldErrors::new();
    let name = body.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        e.add("name", "required, at most 120 characters");
    }
    color(&mut e, "primary_color", &body.primary_color);
    color(&mut e, "accent_color", &body.accent_color);
    if body.logo_url.as_ref().is_some_and(|u| !(u.starts_with("https://") || u.starts_with('/')) || u.len() > 500) {
        e.add("logo_url", "an https:// address or a path on the portal");
    }
    if body.welcome_message.chars().count() > 1000 {
        e.add("welcome_message", "at most 1,000 characters");
    }
    if portal_domain::party::parse_time_zone(&body.time_zone).is_err() {
        e.add("time_zone", "an IANA time zone such as America/Chicago");
    }
    let locale_ok = (2..=35).contains(&body.locale.len()) && body.locale.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !locale_ok {
        e.add("locale", "a language tag such as en-US");
    }
    if let Err(err) = body.payments.validate() {
        e.absorb("payments.", err);
    }
    if body.address.chars().count() > 200 {
        e.add("address", "at most 200 characters");
    }
    if let Err(err) = body.estimate_defaults.validate() {
        e.absorb("estimate_defaults.", err);
    }
    if let Some(Err(err)) = body.working_hours.as_ref().map(WorkingHours::check) {
        e.absorb("", err);
    }
    if let Some(Err(err)) = body.files.as_ref().map(portal_domain::file::FileSettings::check) {
        e.absorb("", err);
    }
    if let Some(Err(err)) = body.review_links.as_ref().map(portal_domain::review::ReviewLinks::check) {
        e.absorb("", err);
    }
    if let Some(Err(err)) = body.requests.as_ref().map(portal_domain::request::RequestSettings::check) {
        e.absorb("", err);
    }
    e.into_result().map_err(unprocessable)?;
    let before = tenant(state, &s).await?;
    let mut t = before.clone();
    t.name = name;
    t.branding.primary_color = body.primary_color.to_ascii_lowercase();
    t.branding.accent_color = body.accent_color.to_ascii_lowercase();
    t.branding.logo_url = body.logo_url.clone();
    t.support_email = body.support_email.clone();
    t.support_phone = body.support_phone.clone();
    t.welcome_message = body.welcome_message.trim().to_string();
    t.time_zone = body.time_zone.clone();
    t.currency = body.currency.clone();
    t.locale = body.locale.clone();
    t.sections = body.sections;
    t.payments = body.payments.clone();
    t.notification_email = body.notification_email.clone();
    t.address = body.address.trim().to_string();
    t.estimate_defaults = body.estimate_defaults.clone();
    if let Some(h) = &body.working_hours {
        t.working_hours = h.clone();
    }
    if let Some(f) = &body.files {
        t.files = f.clone();
    }
    if let Some(l) = &body.review_links {
        t.review_links = l.clone();
    }
    if let Some(r) = &body.requests {
        t.requests = r.cleaned();
    }
    let detail = serde_json::json!({ "before": of(&before), "after": of(&t) });
    portal_app::contractors::save_settings(&crate::common::act(state, &s, req), &before, &t, detail).await?;
    Ok(response::ok(&of(&t)))
}
