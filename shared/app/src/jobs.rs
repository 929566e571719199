//! Jobs and their visits: what the office, the customer and the technician do to them.
//!
//! Every use case reads the job with everything under it (one Query, [`jobs::load`]) and
//! writes its change, the job's own change that follows from it, the audit entry and the
//! notice in one transaction conditional on the records as read: two people acting on the
//! same visit at once cannot both win.
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use portal_domain::estimate::Estimate;
use portal_domain::ids::{AccountId, EquipmentId, JobId, PropertyId, RescheduleId, StaffId, VisitId};
use portal_domain::job::assets::{Equipment, EquipmentDetails};
use portal_domain::job::view::JobInvoice;
use portal_domain::job::{
    Crew, EstimateRef, Job, JobEvent, JobStatus, NewJob, Outcome, RescheduleRequest, Visit, VisitEvent, VisitStatus, Window, check_note,
    check_preferred, number_for,
};
use portal_domain::outbox::{Notice, OfficeEvent, VisitChange};
use portal_domain::party::Tenant;
use portal_domain::{DomainError, FieldErrors};
use portal_store::repo::jobs::{self, JobBundle};
use portal_store::repo::{outbox, parties};
use portal_store::table::Write;

use crate::{Act, Error};

/// Rule errors about fields are the customer's or the office's to fix (422).
fn unprocessable(e: DomainError) -> Error {
    match e {
        DomainError::Invalid(f) => Error::Unprocessable(f),
        e => Error::Rule(e),
    }
}

/// A window as people give it: a day and two wall-clock times in the job's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalWindow {
    #[schema(value_type = String, format = Date, example = "2026-12-03")]
    pub date: Date,
    #[schema(value_type = String, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", example = "09:00")]
    pub start: Time,
    #[schema(value_type = String, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", example = "11:00")]
    pub end: Time,
}

impl LocalWindow {
    /// The window in `job`'s zone, checked (end after start, at most 12 hours, not begun).
    pub fn resolve(&self, job: &Job, field: &str, now: Timestamp) -> Result<Window, Error> {
        self.resolve_in(&job.zone(), field, now)
    }

    /// The window in `zone`, checked the same way.
    pub fn resolve_in(&self, zone: &jiff::tz::TimeZone, field: &str, now: Timestamp) -> Result<Window, Error> {
        if self.end <= self.start {
            return Err(Error::Unprocessable(FieldErrors::one(field, "must end after it starts")));
        }
        let w = Window::local(self.date, self.start, self.end, zone).map_err(unprocessable)?;
        w.check(field, Some(now)).map_err(unprocessable)?;
        Ok(w)
    }
}

/// The job an approval makes: the estimate's title, scope and the approved lines with the
/// chosen options, at its property, numbered after it. Written in the approval's transaction.
pub fn for_approval(act: &Act<'_>, e: &Estimate, scope: &str, lines: Vec<portal_domain::estimate::LineItem>) -> Job {
    let zone = e.site.as_ref().map(|s| s.time_zone.clone()).unwrap_or_else(|| e.time_zone.clone());
    let mut job = Job::new(
        NewJob {
            id: JobId::of_estimate(&e.id),
            tenant: e.tenant.clone(),
            account: e.account.clone(),
            site: e.site.clone(),
            number: number_for(&e.number),
            title: e.title.clone(),
            scope: scope.to_string(),
            lines,
            estimate: Some(EstimateRef { id: e.id.clone(), number: e.number.clone() }),
            agreement: None,
            time_zone: if zone.is_empty() { "UTC".into() } else { zone },
        },
        act.now,
    );
    // An estimate from before sites were kept still names its property.
    if job.property.is_none() {
        job.property = e.property.clone();
    }
    job
}

/// A job the office sets up without an estimate.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobDraft {
    #[serde(default)]
    pub property: Option<PropertyId>,
    #[schema(max_length = 120)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub scope: String,
}

fn check_title(e: &mut FieldErrors, title: &str) -> String {
    let t = title.trim();
    if t.is_empty() {
        e.add("title", "is required");
    } else if t.chars().count() > 120 {
        e.add("title", "can be at most 120 characters");
    }
    t.to_string()
}

fn check_scope(e: &mut FieldErrors, scope: &str) -> String {
    if scope.chars().count() > 20_000 {
        e.add("scope", "can be at most 20,000 characters");
    }
    scope.trim().to_string()
}

/// Creates a job for `account` (its number from the estimates' series), waiting to be
/// scheduled; `agreement` when it is an agreement's included visit.
pub async fn create(
    act: &Act<'_>,
    tenant: &Tenant,
    account: &AccountId,
    id: JobId,
    d: JobDraft,
    agreement: Option<portal_domain::ids::AgreementId>,
) -> Result<Job, Error> {
    let t = &act.tenant;
    let customer = parties::get_account(act.table, t, account).await?.ok_or(Error::NotFound("customer"))?;
    let mut e = FieldErrors::new();
    let title = check_title(&mut e, &d.title);
    let scope = check_scope(&mut e, &d.scope);
    let site = match &d.property {
        Some(p) => match parties::list_properties(act.table, t, account).await?.into_iter().find(|x| &x.id == p) {
            Some(p) => Some(p.site(&tenant.time_zone)),
            None => {
                e.add("property", "is not a property of this customer");
                None
            }
        },
        None => None,
    };
    Error::fields(e)?;
    let n = parties::next_number(act.table, t, "EST", crate::estimates::FIRST_ESTIMATE_NUMBER).await?;
    let time_zone = site.as_ref().map_or_else(|| tenant.time_zone.clone(), |s| s.time_zone.clone());
    let job = Job::new(
        NewJob {
            id,
            tenant: t.clone(),
            account: account.clone(),
            site,
            number: format!("J-{n}"),
            title,
            scope,
            lines: Vec::new(),
            estimate: None,
            agreement,
            time_zone,
        },
        act.now,
    );
    let detail = serde_json::json!({ "number": job.number, "title": job.title, "property": job.property });
    let mut writes = vec![jobs::create_job(&job)?, act.audit("job.created", &job.id, Some(account), detail)?];
    // Work for a lead makes it a customer, whichever screen the office made it from.
    writes.extend(crate::customers::admission_of(act, &customer).await?);
    act.table.transact(writes).await?;
    Ok(job)
}

/// The job's title and scope changed by the office.
pub async fn edit(act: &Act<'_>, b: &JobBundle, title: &str, scope: &str) -> Result<Job, Error> {
    open(&b.job)?;
    let mut e = FieldErrors::new();
    let title = check_title(&mut e, title);
    let scope = check_scope(&mut e, scope);
    Error::fields(e)?;
    let mut job = b.job.clone();
    job.title = title;
    job.scope = scope;
    job.rev += 1;
    let detail = serde_json::json!({ "title": job.title });
    act.table.transact(vec![jobs::save_job(&job, b.job.rev)?, act.audit("job.edited", &job.id, Some(&job.account), detail)?]).await?;
    Ok(job)
}

fn open(job: &Job) -> Result<(), Error> {
    match job.status {
        JobStatus::Completed => Err(Error::conflict("job_closed", "This job is completed; nothing more can change on it.")),
        JobStatus::Cancelled => Err(Error::conflict("job_closed", "This job was cancelled; nothing more can change on it.")),
        _ => Ok(()),
    }
}

/// What the office does to a job as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobActionKind {
    /// With the reason the customer sees.
    Hold,
    Resume,
    /// Cancels its open visits too (their customers are told).
    Cancel,
    /// The work is done (explicit: never inferred from its visits).
    Complete,
}

/// An action on a job, with the reason the customer sees (required to put it on hold).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobAction {
    pub action: JobActionKind,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// Puts a job on hold, resumes, cancels or completes it. Cancelling or completing cancels the
/// visits still booked (and tells the customer); neither is possible while a technician is on
/// the way or on site.
pub async fn act_on(act: &Act<'_>, b: &JobBundle, action: JobAction) -> Result<Job, Error> {
    open(&b.job)?;
    let reason = || check_note("reason", &action.reason).map_err(unprocessable).map(Some);
    let (event, note) = match action.action {
        JobActionKind::Hold => (JobEvent::Hold, reason()?),
        JobActionKind::Resume => (JobEvent::Resume { scheduled: b.visits.iter().any(|v| !v.status.is_closed()) }, None),
        JobActionKind::Cancel => (JobEvent::Cancel, reason()?),
        JobActionKind::Complete => (JobEvent::Complete, None),
    };
    if matches!(event, JobEvent::Cancel | JobEvent::Complete)
        && b.visits.iter().any(|v| matches!(v.status, VisitStatus::OnTheWay | VisitStatus::Arrived))
    {
        return Err(Error::conflict("visit_under_way", "A technician is on the way or on site: finish or cancel that visit first."));
    }
    let job = b.job.after(event, act.now, note.clone()).map_err(|e| match e {
        DomainError::InvalidTransition { .. } => Error::conflict("invalid_state", job_refusal(b.job.status, event)),
        e => unprocessable(e),
    })?;
    let mut writes = vec![jobs::save_job(&job, b.job.rev)?];
    if matches!(event, JobEvent::Cancel | JobEvent::Complete) {
        for v in b.visits.iter().filter(|v| matches!(v.status, VisitStatus::Scheduled | VisitStatus::Confirmed)) {
            let after = v.after(VisitEvent::Cancel, act.now).map_err(Error::Rule)?;
            writes.extend(jobs::save_visit(&job, v, &after, &job.zone())?);
            writes.extend(answer_pending(b, &v.id, Outcome::Cancelled, act.now)?);
            if event == JobEvent::Cancel {
                writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &job, v, VisitChange::Cancelled))?);
            }
        }
    }
    if event == JobEvent::Complete {
        writes.extend(completed_notices(act, &job)?);
    }
    let action_name = match event {
        JobEvent::Hold => "job.on_hold",
        JobEvent::Resume { .. } => "job.resumed",
        JobEvent::Cancel => "job.cancelled",
        _ => "job.completed",
    };
    writes.push(act.audit(action_name, &job.id, Some(&job.account), serde_json::json!({ "reason": note, "status": job.status }))?);
    act.table.transact(writes).await?;
    Ok(job)
}

fn job_refusal(from: JobStatus, event: JobEvent) -> String {
    match (from, event) {
        (JobStatus::Unscheduled, JobEvent::Complete) => "Schedule a visit first: a job with no visit cannot be completed.".into(),
        (JobStatus::OnHold, JobEvent::Hold) => "This job is already on hold.".into(),
        (_, JobEvent::Resume { .. }) => "This job is not on hold.".into(),
        _ => format!("A job that is {} cannot do that.", from.as_str().replace('_', " ")),
    }
}

/// The job's write in a visit's transaction: saved when its status followed the visit,
/// otherwise checked as read, so the visit cannot change on a job cancelled, completed or put
/// on hold meanwhile.
fn job_write(b: &JobBundle, job: &Job) -> Result<Write, Error> {
    Ok(if job == &b.job { jobs::job_unchanged(&b.job) } else { jobs::save_job(job, b.job.rev)? })
}

pub(crate) fn visit_notice(act: &Act<'_>, job: &Job, v: &Visit, change: VisitChange) -> portal_domain::outbox::OutboxMessage {
    Notice::Visit { job: job.id.clone(), visit: v.id.clone(), change }.message(act.ids, &job.account, act.now)
}

/// Closes the customer's request still pending on `visit` with `outcome`.
fn answer_pending(b: &JobBundle, visit: &VisitId, outcome: Outcome, now: Timestamp) -> Result<Vec<Write>, Error> {
    let mut writes = Vec::new();
    for r in b.reschedules.iter().filter(|r| &r.visit == visit && r.outcome.is_none()) {
        let mut r = r.clone();
        r.outcome = Some(outcome.clone());
        r.decided_at = Some(now);
        writes.push(jobs::save_reschedule(&b.job, &r)?);
    }
    Ok(writes)
}

/// The technicians named, as customers will see them: each an active staff member of this
/// contractor, at most five, no repeats.
pub(crate) async fn crew(act: &Act<'_>, ids: &[StaffId]) -> Result<Vec<Crew>, Error> {
    let mut e = FieldErrors::new();
    if ids.len() > 5 {
        e.add("technicians", "at most five per visit");
    }
    let mut out: Vec<Crew> = Vec::new();
    for (i, id) in ids.iter().enumerate().take(5) {
        if out.iter().any(|c| &c.id == id) {
            e.add(format!("technicians[{i}]"), "is named twice");
            continue;
        }
        match parties::get_staff(act.table, &act.tenant, id).await? {
            Some(s) if s.active => out.push(Crew::of(&s)),
            _ => e.add(format!("technicians[{i}]"), "is not an active member of your staff"),
        }
    }
    Error::fields(e)?;
    Ok(out)
}

/// The most visits one job holds (one job with everything under it stays one Query, and
/// cancelling it stays one transaction).
pub const MAX_VISITS: usize = 25;

/// A visit the office books.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitDraft {
    pub window: LocalWindow,
    #[serde(default)]
    pub technicians: Vec<StaffId>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub customer_notes: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub internal_notes: String,
}

/// Books a visit of the job; the job is scheduled; the customer hears of it (with the
/// calendar file).
pub async fn schedule(act: &Act<'_>, b: &JobBundle, id: VisitId, d: VisitDraft) -> Result<Visit, Error> {
    open(&b.job)?;
    if b.job.status == JobStatus::OnHold {
        return Err(Error::conflict("job_on_hold", "This job is on hold: resume it before booking a visit."));
    }
    if b.visits.len() >= MAX_VISITS {
        return Err(Error::conflict("too_many_visits", "This job has 25 visits: make a new job for more work."));
    }
    let mut e = FieldErrors::new();
    let window = d.window.resolve(&b.job, "window", act.now).map_err(|err| absorb(&mut e, err)).ok();
    let customer_notes = check_note("customer_notes", &d.customer_notes).map_err(|err| e.absorb("", err)).unwrap_or_default();
    let internal_notes = check_note("internal_notes", &d.internal_notes).map_err(|err| e.absorb("", err)).unwrap_or_default();
    let technicians = crew(act, &d.technicians).await.map_err(|err| absorb(&mut e, err)).unwrap_or_default();
    Error::fields(e)?;
    let Some(window) = window else { return Err(Error::Inconsistent("a window refused without an error".into())) };
    let mut v = Visit::new(id, b.job.id.clone(), window, technicians, act.now);
    v.customer_notes = customer_notes;
    v.internal_notes = internal_notes;
    let mut visits = b.visits.clone();
    visits.push(v.clone());
    let job = b.job.follow(&visits, act.now);
    let mut writes = jobs::create_visit(&job, &v, &job.zone())?;
    writes.push(job_write(b, &job)?);
    writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &job, &v, VisitChange::Scheduled))?);
    let detail =
        serde_json::json!({ "visit": v.id, "window": v.window, "technicians": v.technicians.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(act.audit("visit.scheduled", &job.id, Some(&job.account), detail)?);
    act.table.transact(writes).await?;
    Ok(v)
}

/// Folds a use case's field errors into `e`; other errors are kept as they are by the caller.
pub(crate) fn absorb(e: &mut FieldErrors, err: Error) {
    match err {
        Error::Unprocessable(f) => {
            for (k, msgs) in f.0 {
                for m in msgs {
                    e.add(k.clone(), m);
                }
            }
        }
        Error::Rule(d) => e.absorb("", d),
        other => e.add("", other.to_string()),
    }
}

fn visit_of<'b>(b: &'b JobBundle, id: &VisitId) -> Result<&'b Visit, Error> {
    b.visit(id).ok_or(Error::NotFound("visit"))
}

/// A visit's change refused by its state, in words.
fn visit_refusal(v: &Visit, event: VisitEvent) -> Error {
    let message = match v.status {
        VisitStatus::Cancelled => "This visit was cancelled.".to_string(),
        VisitStatus::Completed => "This visit is already completed.".to_string(),
        VisitStatus::Arrived if event == VisitEvent::Confirm => "The technician is already there.".to_string(),
        VisitStatus::OnTheWay if event == VisitEvent::Confirm => "The technician is already on the way.".to_string(),
        s => format!("A visit that is {} cannot do that.", s.as_str().replace('_', " ")),
    };
    Error::conflict("visit_closed", message)
}

fn step(v: &Visit, event: VisitEvent, now: Timestamp) -> Result<Visit, Error> {
    v.after(event, now).map_err(|e| match e {
        DomainError::InvalidTransition { .. } => visit_refusal(v, event),
        e => unprocessable(e),
    })
}

/// What the office changes on a booked visit besides its window.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitEdit {
    pub technicians: Option<Vec<StaffId>>,
    #[schema(max_length = 2000)]
    pub customer_notes: Option<String>,
    #[schema(max_length = 2000)]
    pub internal_notes: Option<String>,
}

/// Assigns technicians and changes a visit's notes.
pub async fn edit_visit(act: &Act<'_>, b: &JobBundle, visit: &VisitId, d: VisitEdit) -> Result<Visit, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    if v.status.is_closed() {
        return Err(visit_refusal(v, VisitEvent::Move));
    }
    let mut e = FieldErrors::new();
    let mut after = v.clone();
    if let Some(n) = &d.customer_notes {
        after.customer_notes = check_note("customer_notes", n).map_err(|err| e.absorb("", err)).unwrap_or_default();
    }
    if let Some(n) = &d.internal_notes {
        after.internal_notes = check_note("internal_notes", n).map_err(|err| e.absorb("", err)).unwrap_or_default();
    }
    if let Some(ts) = &d.technicians {
        after.technicians = crew(act, ts).await.map_err(|err| absorb(&mut e, err)).unwrap_or_default();
    }
    Error::fields(e)?;
    after.rev += 1;
    let mut writes = jobs::save_visit(&b.job, v, &after, &b.job.zone())?;
    writes.push(jobs::job_unchanged(&b.job));
    let detail = serde_json::json!({ "visit": v.id, "technicians": after.technicians.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(act.audit("visit.edited", &b.job.id, Some(&b.job.account), detail)?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// Moves a visit to another window: the same visit (its calendar event updates), to be
/// confirmed again; a request of the customer's pending on it is answered as moved.
pub async fn move_visit(act: &Act<'_>, b: &JobBundle, visit: &VisitId, window: LocalWindow) -> Result<Visit, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    let w = window.resolve(&b.job, "window", act.now)?;
    let after = v.moved(w, act.now).map_err(|e| match e {
        DomainError::InvalidTransition { .. } => visit_refusal(v, VisitEvent::Move),
        e => unprocessable(e),
    })?;
    let mut writes = jobs::save_visit(&b.job, v, &after, &b.job.zone())?;
    writes.push(jobs::job_unchanged(&b.job));
    writes.extend(answer_pending(b, visit, Outcome::Moved { window: w }, act.now)?);
    writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &b.job, &after, VisitChange::Moved))?);
    let detail = serde_json::json!({ "visit": v.id, "from": v.window, "to": w, "sequence": after.sequence });
    writes.push(act.audit("visit.moved", &b.job.id, Some(&b.job.account), detail)?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// Cancels a visit (the office, or the office granting the customer's request); a job with
/// no open visit left waits to be scheduled again.
pub async fn cancel_visit(act: &Act<'_>, b: &JobBundle, visit: &VisitId, reason: &str) -> Result<Visit, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    let reason = check_note("reason", reason).map_err(unprocessable)?;
    let mut after = step(v, VisitEvent::Cancel, act.now)?;
    if let Some(last) = after.history.last_mut() {
        last.note = Some(reason.clone()).filter(|r| !r.is_empty());
    }
    let visits: Vec<Visit> = b.visits.iter().map(|x| if x.id == after.id { after.clone() } else { x.clone() }).collect();
    let job = b.job.follow(&visits, act.now);
    let mut writes = jobs::save_visit(&job, v, &after, &job.zone())?;
    writes.push(job_write(b, &job)?);
    writes.extend(answer_pending(b, visit, Outcome::Cancelled, act.now)?);
    writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &job, &after, VisitChange::Cancelled))?);
    writes.push(act.audit("visit.cancelled", &job.id, Some(&job.account), serde_json::json!({ "visit": v.id, "reason": reason }))?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// Declines the customer's request, with a message they see; the visit stays as booked.
pub async fn decline_request(act: &Act<'_>, b: &JobBundle, request: &RescheduleId, message: &str) -> Result<RescheduleRequest, Error> {
    let r = b.request(request).ok_or(Error::NotFound("request"))?;
    if r.outcome.is_some() {
        return Err(Error::conflict("already_answered", "This request was already answered."));
    }
    let message = check_note("message", message).map_err(unprocessable)?;
    if message.is_empty() {
        return Err(Error::Unprocessable(FieldErrors::one("message", "tell the customer why, and what you can offer instead")));
    }
    let mut after = r.clone();
    after.outcome = Some(Outcome::Declined { message: message.clone() });
    after.decided_at = Some(act.now);
    let writes = vec![
        jobs::save_reschedule(&b.job, &after)?,
        outbox::enqueue(
            &act.tenant,
            Notice::Visit { job: b.job.id.clone(), visit: r.visit.clone(), change: VisitChange::Declined }.message(
                act.ids,
                &b.job.account,
                act.now,
            ),
        )?,
        act.audit("visit.request_declined", &b.job.id, Some(&b.job.account), serde_json::json!({ "request": r.id, "message": message }))?,
    ];
    act.table.transact(writes).await?;
    Ok(after)
}

/// The customer confirms a visit's window; the office hears of it. One read (the job) and
/// one transaction.
pub async fn confirm(act: &Act<'_>, b: &JobBundle, visit: &VisitId) -> Result<Visit, Error> {
    let v = visit_of(b, visit)?;
    if v.status == VisitStatus::Confirmed {
        return Err(Error::conflict("already_confirmed", "You already confirmed this visit."));
    }
    if v.status == VisitStatus::Scheduled && v.window.end <= act.now {
        return Err(Error::conflict("visit_past", "This visit's window has passed. Ask the office for a new time."));
    }
    let after = step(v, VisitEvent::Confirm, act.now)?;
    let mut writes = jobs::save_visit(&b.job, v, &after, &b.job.zone())?;
    writes.push(jobs::job_unchanged(&b.job));
    let tell = OfficeEvent::VisitConfirmed { job: b.job.id.clone(), visit: v.id.clone() };
    writes.push(outbox::enqueue(&act.tenant, tell.message(act.ids, &b.job.account, act.now))?);
    writes.push(act.audit("visit.confirmed", &b.job.id, Some(&b.job.account), serde_json::json!({ "visit": v.id, "window": v.window }))?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// What the customer asks about a visit.
#[derive(Debug, Clone)]
pub struct Ask {
    pub id: RescheduleId,
    pub by: portal_domain::ids::ContactId,
    /// Ask to cancel rather than move (no windows then).
    pub cancel: bool,
    pub preferred: Vec<LocalWindow>,
    pub note: String,
}

/// The customer asks to move a visit (one to three windows in the contractor's working hours)
/// or to cancel it; the office decides. One request pending per visit at a time.
pub async fn ask(act: &Act<'_>, tenant: &Tenant, b: &JobBundle, visit: &VisitId, a: Ask) -> Result<RescheduleRequest, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    if !matches!(v.status, VisitStatus::Scheduled | VisitStatus::Confirmed) {
        return Err(match v.status {
            VisitStatus::OnTheWay | VisitStatus::Arrived => {
                Error::conflict("visit_under_way", "The technician is on the way. Call the office to change this visit.")
            }
            _ => visit_refusal(v, VisitEvent::Move),
        });
    }
    if b.reschedules.iter().any(|r| &r.visit == visit && r.outcome.is_none()) {
        return Err(Error::conflict("already_asked", "You already asked about this visit. The office will answer soon."));
    }
    let mut e = FieldErrors::new();
    let note = check_note("note", &a.note).map_err(|err| e.absorb("", err)).unwrap_or_default();
    let mut preferred = Vec::new();
    if a.cancel {
        if !a.preferred.is_empty() {
            e.add("preferred", "leave out the windows when asking to cancel");
        }
    } else if a.preferred.is_empty() || a.preferred.len() > portal_domain::job::MAX_PREFERRED {
        e.add("preferred", "give one to three windows that suit you");
    } else {
        for (i, w) in a.preferred.iter().enumerate() {
            // Asked for from the contractor's working hours, so on the contractor's clock.
            match w.resolve_in(&tenant.zone(), &format!("preferred[{i}]"), act.now) {
                Ok(w) => preferred.push(w),
                Err(err) => absorb(&mut e, err),
            }
        }
        if e.is_empty()
            && let Err(err) = check_preferred(&preferred, &tenant.working_hours, &tenant.zone(), act.now)
        {
            e.absorb("", err);
        }
    }
    Error::fields(e)?;
    let r = RescheduleRequest {
        id: a.id,
        job: b.job.id.clone(),
        visit: v.id.clone(),
        cancel: a.cancel,
        preferred,
        note,
        by: a.by,
        at: act.now,
        outcome: None,
        decided_at: None,
    };
    let tell = OfficeEvent::VisitChangeAsked { job: b.job.id.clone(), visit: v.id.clone(), request: r.id.clone() };
    let action = if r.cancel { "visit.cancel_requested" } else { "visit.reschedule_requested" };
    let writes = vec![
        jobs::create_reschedule(&b.job, &r)?,
        jobs::visit_unchanged(&b.job, v),
        jobs::job_unchanged(&b.job),
        outbox::enqueue(&act.tenant, tell.message(act.ids, &b.job.account, act.now))?,
        act.audit(
            action,
            &b.job.id,
            Some(&b.job.account),
            serde_json::json!({ "visit": v.id, "request": r.id, "preferred": r.preferred, "note": r.note }),
        )?,
    ];
    act.table.transact(writes).await?;
    Ok(r)
}

/// Refuses a technician acting on a visit not assigned to them (owners and office may act
/// on any). The caller says which.
pub fn assigned_or_refuse(v: &Visit, staff: &StaffId, may_manage: bool) -> Result<(), Error> {
    if may_manage || v.assigned(staff) { Ok(()) } else { Err(Error::Rule(DomainError::Forbidden("this visit is not assigned to you"))) }
}

/// The technician sets off, arriving in `minutes`; the customer is told ("on the way,
/// arriving about 10:40"). One read and one transaction.
pub async fn depart(act: &Act<'_>, b: &JobBundle, visit: &VisitId, minutes: i64) -> Result<Visit, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    let after = v.departed(minutes, act.now).map_err(|e| match e {
        DomainError::InvalidTransition { .. } => visit_refusal(v, VisitEvent::Depart),
        e => unprocessable(e),
    })?;
    let mut writes = jobs::save_visit(&b.job, v, &after, &b.job.zone())?;
    writes.push(jobs::job_unchanged(&b.job));
    writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &b.job, &after, VisitChange::OnTheWay))?);
    writes.push(act.audit("visit.on_the_way", &b.job.id, Some(&b.job.account), serde_json::json!({ "visit": v.id, "eta": after.eta }))?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// The technician arrived: the job is in progress.
pub async fn arrive(act: &Act<'_>, b: &JobBundle, visit: &VisitId) -> Result<Visit, Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    let after = step(v, VisitEvent::Arrive, act.now)?;
    let visits: Vec<Visit> = b.visits.iter().map(|x| if x.id == after.id { after.clone() } else { x.clone() }).collect();
    let job = b.job.follow(&visits, act.now);
    let mut writes = jobs::save_visit(&job, v, &after, &job.zone())?;
    writes.push(job_write(b, &job)?);
    writes.push(act.audit("visit.arrived", &job.id, Some(&job.account), serde_json::json!({ "visit": v.id }))?);
    act.table.transact(writes).await?;
    Ok(after)
}

/// How a technician finishes a visit.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    /// What was done, for the customer.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub notes: String,
    /// Equipment installed at the property (at most ten).
    #[serde(default)]
    pub equipment: Vec<EquipmentDetails>,
    /// The job is done too (the office can also complete it later).
    #[serde(default)]
    pub complete_job: bool,
}

/// The technician completes a visit with notes for the customer and the equipment they
/// installed (recorded at the property, installed by this job); with `complete_job`, the job
/// is completed and the customer told.
pub async fn finish(act: &Act<'_>, b: &JobBundle, visit: &VisitId, f: Finish) -> Result<(Visit, Job), Error> {
    open(&b.job)?;
    let v = visit_of(b, visit)?;
    if f.complete_job && b.visits.iter().any(|x| x.id != v.id && matches!(x.status, VisitStatus::OnTheWay | VisitStatus::Arrived)) {
        return Err(Error::conflict("visit_under_way", "Another visit of this job is under way: finish it before completing the job."));
    }
    let mut e = FieldErrors::new();
    let notes = check_note("notes", &f.notes).map_err(|err| e.absorb("", err)).unwrap_or_default();
    if f.equipment.len() > 10 {
        e.add("equipment", "at most ten pieces at a time");
    }
    if !f.equipment.is_empty() && b.job.property.is_none() {
        e.add("equipment", "this job has no property to record equipment at");
    }
    let today = act.now.to_zoned(b.job.zone()).date();
    let mut installed = Vec::new();
    for (i, d) in f.equipment.iter().enumerate().take(10) {
        let d = EquipmentDetails { installed_on: d.installed_on.or(Some(today)), ..d.clone() };
        match d.checked(&format!("equipment[{i}]."), today) {
            Ok(d) => installed.push(d),
            Err(err) => e.absorb("", err),
        }
    }
    Error::fields(e)?;
    let mut after = step(v, VisitEvent::Complete, act.now)?;
    after.completion_notes = notes;
    let mut job = b.job.clone();
    if f.complete_job {
        job = job
            .after(JobEvent::Complete, act.now, None)
            .map_err(|_| Error::conflict("invalid_state", job_refusal(job.status, JobEvent::Complete)))?;
    }
    let mut writes = Vec::new();
    let mut recorded = Vec::new();
    if let Some(p) = &job.property {
        for (i, d) in installed.into_iter().enumerate() {
            let eq = Equipment::new(EquipmentId::of_visit(&v.id, i + 1), p.clone(), d, Some(job.id.clone()), act.now);
            writes.push(jobs::create_equipment(&act.tenant, &job.account, &eq)?);
            recorded.push(eq.id.clone());
            after.installed.push(eq);
        }
    }
    writes.extend(jobs::save_visit(&job, v, &after, &job.zone())?);
    if f.complete_job {
        let other_open =
            b.visits.iter().filter(|x| x.id != after.id && matches!(x.status, VisitStatus::Scheduled | VisitStatus::Confirmed));
        for o in other_open {
            let cancelled = o.after(VisitEvent::Cancel, act.now).map_err(Error::Rule)?;
            writes.extend(jobs::save_visit(&job, o, &cancelled, &job.zone())?);
            writes.push(outbox::enqueue(&act.tenant, visit_notice(act, &job, o, VisitChange::Cancelled))?);
        }
        writes.extend(completed_notices(act, &job)?);
    }
    writes.push(job_write(b, &job)?);
    let detail = serde_json::json!({ "visit": v.id, "equipment": recorded, "job_completed": f.complete_job });
    writes.push(act.audit("visit.completed", &job.id, Some(&job.account), detail)?);
    act.table.transact(writes).await?;
    Ok((after, job))
}

/// Records a piece of equipment at a property of `account` (the office).
pub async fn add_equipment(
    act: &Act<'_>,
    tenant: &Tenant,
    account: &AccountId,
    property: &PropertyId,
    d: EquipmentDetails,
    job: Option<JobId>,
) -> Result<Equipment, Error> {
    if !parties::list_properties(act.table, &act.tenant, account).await?.iter().any(|p| &p.id == property) {
        return Err(Error::NotFound("property"));
    }
    let d = d.checked("", tenant.today(act.now)).map_err(unprocessable)?;
    let eq = Equipment::new(EquipmentId::generate(act.ids), property.clone(), d, job, act.now);
    let detail = serde_json::json!({ "property": property, "kind": eq.kind, "make_model": eq.make_model });
    act.table
        .transact(vec![jobs::create_equipment(&act.tenant, account, &eq)?, act.audit("equipment.added", &eq.id, Some(account), detail)?])
        .await?;
    Ok(eq)
}

/// The job's record of an invoice issued from its estimate, to go in the invoice's
/// transaction (and again when the invoice is paid in full, no longer paid, or voided).
pub fn invoice_entry(i: &portal_domain::invoice::Invoice, paid_at: Option<Timestamp>) -> Result<Option<Write>, Error> {
    let Some(job) = &i.job else { return Ok(None) };
    let entry = JobInvoice {
        id: i.id.clone(),
        job: job.clone(),
        number: i.number.clone(),
        total: i.ledger.total,
        currency: i.content.currency.as_str().to_string(),
        issued_at: i.issued_at.unwrap_or(i.created_at),
        paid_at,
        void: i.status == portal_domain::invoice::InvoiceStatus::Void,
    };
    Ok(Some(jobs::put_job_invoice(&i.tenant, &i.account, &entry)?))
}

/// The job an estimate's approval made, if it still exists (for linking its invoice).
pub async fn of_estimate(act: &Act<'_>, e: &Estimate) -> Result<Option<JobBundle>, Error> {
    match &e.job {
        Some(j) => Ok(jobs::load(act.table, &act.tenant, &e.account, j).await?),
        None => Ok(None),
    }
}

/// Loads a job of `account`, or says it is not there.
pub async fn load(act: &Act<'_>, account: &AccountId, job: &JobId) -> Result<JobBundle, Error> {
    jobs::load(act.table, &act.tenant, account, job).await?.ok_or(Error::NotFound("job"))
}

/// Makes a service agreement of `account` (or one of its properties): its included visits of
/// the first term each become a job waiting to be scheduled, linked to it. All in one
/// transaction.
pub async fn create_agreement(
    act: &Act<'_>,
    tenant: &Tenant,
    account: &AccountId,
    id: portal_domain::ids::AgreementId,
    terms: portal_domain::job::assets::AgreementTerms,
) -> Result<(portal_domain::job::assets::Agreement, Vec<Job>), Error> {
    use portal_domain::job::assets::{Agreement, AgreementStatus};
    let terms = terms.checked().map_err(unprocessable)?;
    let t = &act.tenant;
    let site = match &terms.property {
        Some(p) => match parties::list_properties(act.table, t, account).await?.into_iter().find(|x| &x.id == p) {
            Some(p) => Some(p.site(&tenant.time_zone)),
            None => return Err(Error::Unprocessable(FieldErrors::one("property", "is not a property of this customer"))),
        },
        None => None,
    };
    let renews_on = terms.renews_on.ok_or_else(|| Error::Inconsistent("checked terms without a renewal date".into()))?;
    let agreement = Agreement {
        id,
        account: account.clone(),
        property: terms.property.clone(),
        name: terms.name.clone(),
        covers: terms.covers.clone(),
        visits_per_year: terms.visits_per_year,
        starts_on: terms.starts_on,
        renews_on,
        status: AgreementStatus::Active,
        time_zone: site.as_ref().map_or_else(|| tenant.time_zone.clone(), |s| s.time_zone.clone()),
        created_at: act.now,
        rev: 1,
    };
    let mut writes = vec![jobs::create_agreement(t, &agreement)?];
    let mut made = Vec::new();
    let n = agreement.visits_per_year;
    for i in 1..=n {
        let number = parties::next_number(act.table, t, "EST", crate::estimates::FIRST_ESTIMATE_NUMBER).await?;
        let job = Job::new(
            NewJob {
                id: JobId::of_agreement(&agreement.id, i),
                tenant: t.clone(),
                account: account.clone(),
                site: site.clone(),
                number: format!("J-{number}"),
                title: format!("{}: maintenance visit {i} of {n}", agreement.name),
                scope: agreement.covers.clone(),
                lines: Vec::new(),
                estimate: None,
                agreement: Some(agreement.id.clone()),
                time_zone: site.as_ref().map_or_else(|| tenant.time_zone.clone(), |s| s.time_zone.clone()),
            },
            act.now,
        );
        writes.push(jobs::create_job(&job)?);
        made.push(job);
    }
    let detail =
        serde_json::json!({ "name": agreement.name, "visits_per_year": n, "starts_on": agreement.starts_on, "renews_on": renews_on });
    writes.push(act.audit("agreement.created", &agreement.id, Some(account), detail)?);
    act.table.transact(writes).await?;
    Ok((agreement, made))
}

/// Changes a piece of equipment on record (the office).
pub async fn edit_equipment(
    act: &Act<'_>,
    tenant: &Tenant,
    account: &AccountId,
    property: &PropertyId,
    id: &EquipmentId,
    d: EquipmentDetails,
) -> Result<Equipment, Error> {
    let before = jobs::equipment_at(act.table, &act.tenant, account, property)
        .await?
        .into_iter()
        .find(|e| &e.id == id)
        .ok_or(Error::NotFound("equipment"))?;
    let d = d.checked("", tenant.today(act.now)).map_err(unprocessable)?;
    let after = Equipment {
        kind: d.kind,
        make_model: d.make_model,
        serial: d.serial,
        installed_on: d.installed_on,
        warranty_until: d.warranty_until,
        notes: d.notes,
        rev: before.rev + 1,
        ..before.clone()
    };
    let detail = serde_json::json!({ "before": before, "after": after });
    let writes =
        vec![jobs::save_equipment(&act.tenant, account, &after, before.rev)?, act.audit("equipment.changed", id, Some(account), detail)?];
    act.table.transact(writes).await?;
    Ok(after)
}

/// Takes a piece of equipment off the record (removed, replaced, entered by mistake).
pub async fn remove_equipment(act: &Act<'_>, account: &AccountId, property: &PropertyId, id: &EquipmentId) -> Result<Equipment, Error> {
    let before = jobs::equipment_at(act.table, &act.tenant, account, property)
        .await?
        .into_iter()
        .find(|e| &e.id == id)
        .ok_or(Error::NotFound("equipment"))?;
    let detail = serde_json::json!({ "kind": before.kind, "make_model": before.make_model, "serial": before.serial });
    let writes =
        vec![jobs::delete_equipment(&act.tenant, account, &before, before.rev), act.audit("equipment.removed", id, Some(account), detail)?];
    act.table.transact(writes).await?;
    Ok(before)
}

/// Cancels a service agreement; its included visits not yet done stay as jobs for the office
/// to cancel or keep.
pub async fn cancel_agreement(
    act: &Act<'_>,
    account: &AccountId,
    id: &portal_domain::ids::AgreementId,
) -> Result<portal_domain::job::assets::Agreement, Error> {
    use portal_domain::job::assets::AgreementStatus;
    let before =
        jobs::agreements(act.table, &act.tenant, account).await?.into_iter().find(|g| &g.id == id).ok_or(Error::NotFound("agreement"))?;
    if before.status == AgreementStatus::Cancelled {
        return Err(Error::conflict("already_cancelled", "This agreement is already cancelled."));
    }
    let after = portal_domain::job::assets::Agreement { status: AgreementStatus::Cancelled, rev: before.rev + 1, ..before.clone() };
    let writes = vec![
        jobs::save_agreement(&act.tenant, &after, before.rev)?,
        act.audit("agreement.cancelled", id, Some(account), serde_json::json!({ "name": before.name }))?,
    ];
    act.table.transact(writes).await?;
    Ok(after)
}

/// What a completed job sends its customer: what was done, then (once: a job is completed
/// once) the request to rate it.
/// The review request counts for the adoption figures (the share answered).
fn completed_notices(act: &Act<'_>, job: &Job) -> Result<Vec<Write>, Error> {
    let mut tally = portal_domain::adoption::Tally::default();
    tally.review_requested(job.completed_at.unwrap_or(act.now), &job.zone());
    let mut writes = vec![
        outbox::enqueue(&act.tenant, Notice::JobCompleted { job: job.id.clone() }.message(act.ids, &job.account, act.now))?,
        outbox::enqueue(&act.tenant, Notice::ReviewRequest { job: job.id.clone() }.message(act.ids, &job.account, act.now))?,
    ];
    writes.extend(portal_store::repo::stats::writes(&act.tenant, &job.account, &tally));
    Ok(writes)
}
