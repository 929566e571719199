//! Adoption figures: how many customers were invited and signed in, how fast they approve
//! and pay in the portal compared with offline.
use jiff::{SignedDuration, Timestamp};
use lambda_http::{Body, Response};
use portal_domain::estimate::{Decision, Estimate, EstimateStatus};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::{InvoiceStatus, PaymentMethod, PaymentStatus};
use portal_domain::party::Contact;
use portal_domain::payment::{Document, PaymentRecord};
use portal_http::{ApiError, Call, response};
use portal_store::record::{from_item, kind};
use portal_store::repo::parties;
use portal_store::{Query, keys};
use std::collections::BTreeMap;

use crate::State;
use crate::common::{session, tenant};

/// One month of adoption.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Month {
    /// `2026-11`.
    pub month: String,
    pub contacts_invited: u32,
    pub contacts_activated: u32,
    pub estimates_approved_in_portal: u32,
    pub estimates_approved_offline: u32,
    pub invoices_paid_online: u32,
    pub invoices_paid_offline: u32,
}

/// The figures, month by month (oldest first), and as they stand.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Adoption {
    pub months: Vec<Month>,
    pub contacts: u32,
    /// Reached: sent a welcome, an estimate or an invoice with a link, or signed in with a
    /// link they asked for (so never fewer than `contacts_activated`).
    pub contacts_invited: u32,
    /// Signed in at least once.
    pub contacts_activated: u32,
    /// Signed in within the last 90 days.
    pub contacts_active_90_days: u32,
    /// Median hours from an estimate's sending to its approval: signed in the portal, against
    /// approved by phone or on paper (recorded by the office).
    pub hours_to_approve: Compared,
    /// Median days from an invoice's issue to its last payment: paid online, against paid by
    /// cheque, cash or credit only.
    pub days_to_pay: Compared,
}

/// Measurements for the documents the portal handled (`.0`) and for the others (`.1`).
#[derive(Default)]
pub(crate) struct Samples(Vec<f64>, Vec<f64>);

/// One figure for the documents the portal handled, and for those it did not.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Compared {
    /// The median (one decimal), or `null` with nothing to measure.
    pub portal: Option<f64>,
    pub offline: Option<f64>,
    /// How many documents each median is taken over.
    pub portal_count: u32,
    pub offline_count: u32,
}

impl Compared {
    fn of(portal: Vec<f64>, offline: Vec<f64>) -> Self {
        let round = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
        Self {
            portal_count: u32::try_from(portal.len()).unwrap_or(u32::MAX),
            offline_count: u32::try_from(offline.len()).unwrap_or(u32::MAX),
            portal: round(median(portal)),
            offline: round(median(offline)),
        }
    }
}

pub(crate) fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

/// `2026-11`.
pub(crate) fn month_key(d: jiff::civil::Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

pub(crate) fn month_of(t: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    month_key(t.to_zoned(zone.clone()).date())
}

#[utoipa::path(get, path = "/api/admin/adoption", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Adoption), (status = 401, body = portal_http::error::ErrorBody)))]
/// Reads every customer partition once (accounts from the GSI, one Query each): fine for a
/// contractor's few thousand customers; a busier tenant would keep monthly counters instead.
pub async fn adoption(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let t = tenant(state, &s).await?;
    let zone = t.zone();
    let now = req.now;
    // The last 12 months, oldest first.
    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    let today = t.today(now);
    for back in 0..12 {
        let d = today.first_of_month().checked_sub(jiff::Span::new().months(back)).unwrap_or(today);
        let key = month_key(d);
        months.insert(key.clone(), Month { month: key, ..Month::default() });
    }
    let bump = |months: &mut BTreeMap<String, Month>, at: Timestamp, f: fn(&mut Month)| {
        if let Some(m) = months.get_mut(&month_of(at, &zone)) {
            f(m);
        }
    };
    let (mut contacts, mut invited, mut activated, mut active) = (0u32, 0u32, 0u32, 0u32);
    // Samples for the portal's documents (.0) and the others (.1).
    let (mut to_approve, mut to_pay) = (Samples::default(), Samples::default());
    let recent = now.checked_sub(SignedDuration::from_hours(24 * 90)).unwrap_or(now);
    let mut cursor = None;
    loop {
        let (accounts, next) = parties::list_accounts(state.table.as_ref(), &s.tenant, None, 100, cursor).await?;
        for a in accounts {
            let items = portal_store::repo::query_all(state.table.as_ref(), Query::partition(keys::account_pk(&s.tenant, &a.id))).await?;
            let (mut estimates, mut invoices, mut pays) = (Vec::new(), Vec::new(), Vec::new());
            let mut decisions: Vec<(String, Decision)> = Vec::new();
            for item in items {
                match kind(&item) {
                    "contact" => {
                        let c: Contact = from_item(item)?;
                        contacts += 1;
                        // Whoever first came through an emailed document or asked for their
                        // own link was reached as surely as by a welcome: never fewer
                        // invited than activated.
                        let reached = match (c.activity.invited_at, c.activity.first_signed_in_at) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                        if let Some(at) = reached {
                            invited += 1;
                            bump(&mut months, at, |m| m.contacts_invited += 1);
                        }
                        if let Some(at) = c.activity.first_signed_in_at {
                            activated += 1;
                            bump(&mut months, at, |m| m.contacts_activated += 1);
                        }
                        if c.activity.last_signed_in_at.is_some_and(|at| at >= recent) {
                            active += 1;
                        }
                    }
                    "estimate" => estimates.push(from_item::<Estimate>(item)?),
                    "invoice" => invoices.push(from_item::<Invoice>(item)?),
                    "payment" => pays.push(from_item::<PaymentRecord>(item)?),
                    "estimate_decision" => {
                        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
                        #[derive(serde::Deserialize)]
                        struct Rec {
                            decision: Decision,
                        }
                        decisions.push((sk, from_item::<Rec>(item)?.decision));
                    }
                    _ => {}
                }
            }
            for e in estimates.iter().filter(|e| e.status == EstimateStatus::Approved) {
                // Signed in the portal, or recorded by the office (by phone, on paper).
                let signed = decisions.iter().any(|(sk, d)| {
                    sk.starts_with(&format!("EST#{}#D#", e.id)) && matches!(d, Decision::Approved(a) if a.offline.is_none())
                });
                if let Some(at) = e.decided_at {
                    if signed {
                        bump(&mut months, at, |m| m.estimates_approved_in_portal += 1);
                    } else {
                        bump(&mut months, at, |m| m.estimates_approved_offline += 1);
                    }
                    if let Some(sent) = e.sent_at {
                        let hours = (at - sent).get_seconds() as f64 / 3600.0;
                        if signed { to_approve.0.push(hours) } else { to_approve.1.push(hours) }
                    }
                }
            }
            for i in invoices.iter().filter(|i| i.status == InvoiceStatus::Paid) {
                let doc = Document::Invoice(i.id.clone());
                let settled: Vec<&PaymentRecord> =
                    pays.iter().filter(|p| p.document == doc && p.state.status == PaymentStatus::Succeeded).collect();
                let Some(paid_at) = settled.iter().map(|p| p.updated_at).max() else { continue };
                let online =
                    settled.iter().any(|p| matches!(p.state.method, PaymentMethod::Card | PaymentMethod::Ach | PaymentMethod::Online));
                if online {
                    bump(&mut months, paid_at, |m| m.invoices_paid_online += 1);
                } else {
                    bump(&mut months, paid_at, |m| m.invoices_paid_offline += 1);
                }
                if let Some(issued) = i.issued_at {
                    let days = (paid_at - issued).get_seconds() as f64 / 86_400.0;
                    if online { to_pay.0.push(days) } else { to_pay.1.push(days) }
                }
            }
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(response::ok(&Adoption {
        months: months.into_values().collect(),
        contacts,
        contacts_invited: invited,
        contacts_activated: activated,
        contacts_active_90_days: active,
        hours_to_approve: Compared::of(to_approve.0, to_approve.1),
        days_to_pay: Compared::of(to_pay.0, to_pay.1),
    }))
}
