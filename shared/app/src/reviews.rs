//! Rate us: a customer rates a completed job (or changes their rating within 14 days); the
//! office reads the ratings, their figures and the follow-ups low ones open. Whatever the
//! score, the answer offers the contractor's public review links: see
//! [`portal_domain::review`] for why (no review gating).
use std::collections::BTreeMap;

use jiff::Timestamp;
use portal_domain::DomainError;
use portal_domain::ids::{ContactId, StaffId};
use portal_domain::job::JobStatus;
use portal_domain::outbox::OfficeEvent;
use portal_domain::review::{FollowUpChange, MAX_NOTE, NewRating, RatedTechnician, Rating, clean};
use portal_store::repo::jobs::JobBundle;
use portal_store::repo::{outbox, reviews};

use crate::{Act, Error};

/// A rating as its customer sees it (never the office's follow-up).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RatingView {
    #[schema(minimum = 1, maximum = 5)]
    pub stars: u8,
    pub comment: String,
    pub technician: Option<RatedTechnician>,
    /// Who gave it (another contact of the account may have).
    pub by: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Until when it may still change.
    #[schema(value_type = String, format = DateTime)]
    pub editable_until: Timestamp,
    pub editable: bool,
}

impl RatingView {
    pub fn of(r: &Rating, now: Timestamp) -> Self {
        RatingView {
            stars: r.stars,
            comment: r.comment.clone(),
            technician: r.technician.clone(),
            by: r.contact_name.clone(),
            updated_at: r.updated_at,
            editable_until: r.editable_until(),
            editable: r.editable(now),
        }
    }
}

/// A job's Rate us page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RatingPage {
    #[schema(value_type = String)]
    pub job: portal_domain::ids::JobId,
    pub number: String,
    pub title: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
    /// Who came: the customer may say the rating is about one of them.
    pub technicians: Vec<RatedTechnician>,
    /// Their rating, once given. Once it is, the portal offers the business's public review
    /// pages (the tenant profile's `review_links`), the same for every score.
    pub rating: Option<RatingView>,
}

/// Who came to a job: its visits' technicians, once each, in the order they first came.
pub fn technicians(b: &JobBundle) -> Vec<RatedTechnician> {
    let mut out: Vec<RatedTechnician> = Vec::new();
    for v in &b.visits {
        for c in &v.technicians {
            if !out.iter().any(|t| t.id == c.id) {
                out.push(RatedTechnician { id: c.id.clone(), name: c.name.clone() });
            }
        }
    }
    out
}

/// The page for a job the customer sees: completed jobs only (404 otherwise, as if absent:
/// there is nothing to rate yet).
pub fn page(b: &JobBundle, now: Timestamp) -> Result<RatingPage, Error> {
    if b.job.status != JobStatus::Completed {
        return Err(Error::NotFound("completed job"));
    }
    let rating = b.rating.as_ref().map(|r| RatingView::of(r, now));
    Ok(RatingPage {
        job: b.job.id.clone(),
        number: b.job.number.clone(),
        title: b.job.title.clone(),
        completed_at: b.job.completed_at,
        technicians: technicians(b),
        rating,
    })
}

/// Who rates: the contact of the verified session.
pub struct Rater<'a> {
    pub contact: &'a ContactId,
    pub name: &'a str,
}

/// Rates a completed job, or changes its rating within [`portal_domain::review::EDIT_DAYS`]:
/// one read (the job's Query, already made by the caller) and one transaction: the rating
/// (conditional on the one read), the audit entry and, when it opens a follow-up, the office's
/// notice.
pub async fn rate(act: &Act<'_>, b: &JobBundle, rater: Rater<'_>, new: &NewRating) -> Result<RatingPage, Error> {
    let (stars, comment) = new.checked()?;
    if b.job.status != JobStatus::Completed {
        return Err(Error::NotFound("completed job"));
    }
    let technician = new.technician(&technicians(b)).map_err(|e| match e {
        DomainError::Invalid(f) => Error::Unprocessable(f),
        other => Error::Rule(other),
    })?;
    let before = b.rating.as_ref();
    if let Some(r) = before
        && !r.editable(act.now)
    {
        return Err(Error::conflict(
            "rating_final",
            "Ratings can be changed for 14 days. Write to the office from the job's page to tell them more.",
        ));
    }
    let follow_up = Rating::follow_up_after(before, stars, act.now);
    let opened = follow_up.as_ref().is_some_and(|f| f.open) && !before.and_then(|r| r.follow_up.as_ref()).is_some_and(|f| f.open);
    let rating = Rating {
        tenant: act.tenant.clone(),
        account: b.job.account.clone(),
        job: b.job.id.clone(),
        job_number: b.job.number.clone(),
        job_title: b.job.title.clone(),
        contact: rater.contact.clone(),
        contact_name: rater.name.to_string(),
        stars,
        comment,
        technician,
        created_at: before.map_or(act.now, |r| r.created_at),
        updated_at: act.now,
        follow_up,
        rev: before.map_or(1, |r| r.rev + 1),
    };
    let detail = serde_json::json!({
        "before": before.map(|r| serde_json::json!({ "stars": r.stars, "comment": r.comment })),
        "after": { "stars": rating.stars, "comment": rating.comment, "technician": rating.technician.as_ref().map(|t| &t.id) },
    });
    let mut writes = vec![
        reviews::save(&rating, before.map(|r| r.rev))?,
        act.audit(if before.is_some() { "rating.changed" } else { "rating.given" }, &b.job.id, Some(&b.job.account), detail)?,
    ];
    if before.is_none() {
        // A first rating answers the review request (the adoption figures' share).
        let mut tally = portal_domain::adoption::Tally::default();
        tally.rated(act.now, &b.job.zone());
        writes.extend(portal_store::repo::stats::writes(&act.tenant, &b.job.account, &tally));
    }
    if opened {
        let notice = OfficeEvent::LowRating { job: b.job.id.clone(), stars }.message(act.ids, &b.job.account, act.now);
        writes.push(outbox::enqueue(&act.tenant, notice)?);
    }
    act.table.transact(writes).await?;
    let mut b = b.clone();
    b.rating = Some(rating);
    page(&b, act.now)
}

/// The office changes a low rating's follow-up; audited.
pub async fn change_follow_up(act: &Act<'_>, r: &Rating, change: &FollowUpChange, staff: &[StaffId]) -> Result<Rating, Error> {
    let Some(f) = &r.follow_up else {
        return Err(Error::conflict("no_follow_up", "Only ratings of 3 stars or fewer have a follow-up."));
    };
    let mut e = portal_domain::FieldErrors::new();
    let note = change.note.as_deref().map(clean);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        e.add("note", "at most 1,000 characters");
    }
    e.into_result()?;
    let mut e = portal_domain::FieldErrors::new();
    if let Some(Some(s)) = &change.assigned
        && !staff.contains(s)
    {
        e.add("assigned", "a member of staff");
    }
    Error::fields(e)?;
    let mut next = f.clone();
    if let Some(a) = &change.assigned {
        next.assigned = a.clone();
    }
    if let Some(n) = note {
        next.note = n;
    }
    match change.open {
        Some(false) if f.open => {
            next.open = false;
            next.closed_at = Some(act.now);
            next.closed_by = Some(act.name().to_string());
        }
        Some(true) if !f.open => {
            next.open = true;
            next.closed_at = None;
            next.closed_by = None;
        }
        _ => {}
    }
    if &next == f {
        // Nothing changes: nothing written, nothing audited.
        return Ok(r.clone());
    }
    let mut rating = r.clone();
    rating.follow_up = Some(next);
    rating.rev += 1;
    let detail = serde_json::json!({ "before": f, "after": rating.follow_up });
    act.table
        .transact(vec![reviews::save(&rating, Some(r.rev))?, act.audit("rating.follow_up_changed", &r.job, Some(&r.account), detail)?])
        .await?;
    Ok(rating)
}

/// The office's figures over the ratings read.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub count: u32,
    /// Mean stars, one decimal; `null` with no rating.
    pub average: Option<f64>,
    /// How many ratings gave 1, 2, 3, 4 and 5 stars.
    pub distribution: [u32; 5],
    /// The last twelve months (by first rating, in the contractor's zone), oldest first.
    pub months: Vec<MonthFigures>,
    /// Ratings that named a technician.
    pub technicians: Vec<TechnicianFigures>,
    pub follow_ups_open: u32,
    pub follow_ups_closed: u32,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MonthFigures {
    /// `2026-11`.
    pub month: String,
    pub count: u32,
    pub average: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TechnicianFigures {
    #[schema(value_type = String)]
    pub id: StaffId,
    pub name: String,
    pub count: u32,
    pub average: Option<f64>,
}

fn mean(sum: u32, n: u32) -> Option<f64> {
    (n > 0).then(|| (f64::from(sum) * 10.0 / f64::from(n)).round() / 10.0)
}

/// Counts the figures of `ratings` for the twelve months up to `today`.
pub fn figures(ratings: &[Rating], zone: &jiff::tz::TimeZone, today: jiff::civil::Date) -> Figures {
    let mut f = Figures::default();
    let mut sum = 0;
    let months = portal_domain::adoption::last_months(today);
    let mut by_month: BTreeMap<String, (u32, u32)> = months.iter().map(|m| (m.clone(), (0, 0))).collect();
    let mut by_tech: BTreeMap<String, (StaffId, String, u32, u32)> = BTreeMap::new();
    for r in ratings {
        let stars = u32::from(r.stars.clamp(1, 5));
        f.count += 1;
        sum += stars;
        f.distribution[(stars - 1) as usize] += 1;
        let m = portal_domain::adoption::month_key(r.created_at.to_zoned(zone.clone()).date());
        if let Some((n, s)) = by_month.get_mut(&m) {
            *n += 1;
            *s += stars;
        }
        if let Some(t) = &r.technician {
            let e = by_tech.entry(t.id.to_string()).or_insert_with(|| (t.id.clone(), t.name.clone(), 0, 0));
            e.2 += 1;
            e.3 += stars;
        }
        match &r.follow_up {
            Some(x) if x.open => f.follow_ups_open += 1,
            Some(_) => f.follow_ups_closed += 1,
            None => {}
        }
    }
    f.average = mean(sum, f.count);
    f.months = months
        .into_iter()
        .map(|m| {
            let (n, s) = by_month.get(&m).copied().unwrap_or_default();
            MonthFigures { month: m, count: n, average: mean(s, n) }
        })
        .collect();
    f.technicians = by_tech.into_values().map(|(id, name, n, s)| TechnicianFigures { id, name, count: n, average: mean(s, n) }).collect();
    f.technicians.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    f
}
