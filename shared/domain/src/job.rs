//! Jobs and their visits: the work an approved estimate becomes, and the appointments that do
//! it. A job moves `unscheduled -> scheduled -> in progress -> completed`, or on hold (with a
//! reason the customer sees) or cancelled; completed is an explicit act, never inferred. A
//! visit moves `scheduled -> confirmed (by the customer) -> on the way (with an ETA) -> arrived
//! -> completed`, or cancelled; moving it keeps its identity and raises its calendar sequence.
//! Arrival windows are instants made from the wall-clock times of the property's zone.
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::DomainError;
use crate::estimate::LineItem;
use crate::ids::{AccountId, EstimateId, PropertyId, StaffId, TenantId};
pub use crate::ids::{AgreementId, EquipmentId, JobId, RescheduleId, VisitId};
use crate::party::Site;

/// Jobs are numbered from here (`J-1001`) per contractor.
pub const FIRST_JOB_NUMBER: i64 = 1001;

/// The longest arrival window.
pub const MAX_WINDOW: SignedDuration = SignedDuration::from_hours(12);

/// At most this many preferred windows in a reschedule request.
pub const MAX_PREFERRED: usize = 3;

/// "On my way" ETAs, in minutes.
pub const ETA_MINUTES: std::ops::RangeInclusive<i64> = 1..=600;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Unscheduled,
    Scheduled,
    InProgress,
    OnHold,
    Completed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unscheduled => "unscheduled",
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::OnHold => "on_hold",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
    /// Nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }
    pub const ALL: [JobStatus; 6] = [Self::Unscheduled, Self::Scheduled, Self::InProgress, Self::OnHold, Self::Completed, Self::Cancelled];
}

/// Something that happens to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobEvent {
    /// A visit was booked.
    Schedule,
    /// Its last open visit was cancelled: it waits for a new one.
    Unschedule,
    /// A technician arrived for a visit.
    Start,
    Hold,
    /// Back from on hold (to scheduled or unscheduled, by its visits).
    Resume {
        scheduled: bool,
    },
    /// The office (or the technician, finishing the last visit) says the work is done.
    Complete,
    Cancel,
}

impl JobEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Unschedule => "unschedule",
            Self::Start => "start",
            Self::Hold => "hold",
            Self::Resume { .. } => "resume",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }
}

/// The job state machine.
///
/// ```text
/// unscheduled -> scheduled -> in_progress -> completed
/// scheduled -> unscheduled (its visits cancelled); scheduled | in_progress -> scheduled (another visit)
/// anything open -> on_hold -> (resume) scheduled | unscheduled;  anything open -> cancelled
/// ```
pub fn job_transition(from: JobStatus, event: JobEvent) -> Result<JobStatus, DomainError> {
    use JobEvent as E;
    use JobStatus as S;
    let to = match (from, event) {
        (S::Unscheduled | S::Scheduled, E::Schedule) => S::Scheduled,
        (S::InProgress, E::Schedule) => S::InProgress,
        (S::Scheduled, E::Unschedule) => S::Unscheduled,
        (S::Scheduled | S::InProgress, E::Start) => S::InProgress,
        (S::Unscheduled | S::Scheduled | S::InProgress, E::Hold) => S::OnHold,
        (S::OnHold, E::Resume { scheduled: true }) => S::Scheduled,
        (S::OnHold, E::Resume { scheduled: false }) => S::Unscheduled,
        (S::Scheduled | S::InProgress | S::OnHold, E::Complete) => S::Completed,
        (s, E::Cancel) if !s.is_closed() => S::Cancelled,
        _ => return Err(DomainError::InvalidTransition { from: from.as_str(), event: event.as_str() }),
    };
    Ok(to)
}

/// Where a visit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Scheduled,
    Confirmed,
    OnTheWay,
    Arrived,
    Completed,
    Cancelled,
}

impl VisitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Confirmed => "confirmed",
            Self::OnTheWay => "on_the_way",
            Self::Arrived => "arrived",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }
    pub const ALL: [VisitStatus; 6] = [Self::Scheduled, Self::Confirmed, Self::OnTheWay, Self::Arrived, Self::Completed, Self::Cancelled];
}

/// Something that happens to a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitEvent {
    /// The customer confirms the window.
    Confirm,
    /// The office moves it to another window (it needs confirming again).
    Move,
    /// The technician sets off.
    Depart,
    Arrive,
    Complete,
    Cancel,
}

impl VisitEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Move => "move",
            Self::Depart => "depart",
            Self::Arrive => "arrive",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }
}

/// The visit state machine.
///
/// ```text
/// scheduled -> confirmed -> on_the_way -> arrived -> completed
/// scheduled | confirmed --depart--> on_the_way (the customer need not have confirmed)
/// scheduled | confirmed --move--> scheduled;  anything before arrived -> cancelled
/// ```
pub fn visit_transition(from: VisitStatus, event: VisitEvent) -> Result<VisitStatus, DomainError> {
    use VisitEvent as E;
    use VisitStatus as S;
    let to = match (from, event) {
        (S::Scheduled | S::Confirmed, E::Confirm) => S::Confirmed,
        (S::Scheduled | S::Confirmed, E::Move) => S::Scheduled,
        (S::Scheduled | S::Confirmed | S::OnTheWay, E::Depart) => S::OnTheWay,
        (S::Scheduled | S::Confirmed | S::OnTheWay, E::Arrive) => S::Arrived,
        (S::Arrived, E::Complete) => S::Completed,
        (S::Scheduled | S::Confirmed | S::OnTheWay, E::Cancel) => S::Cancelled,
        _ => return Err(DomainError::InvalidTransition { from: from.as_str(), event: event.as_str() }),
    };
    Ok(to)
}

/// An arrival window: two instants, made from wall-clock times in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Window {
    #[schema(value_type = String, format = DateTime)]
    pub start: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub end: Timestamp,
}

/// The instant a wall-clock time on `date` names in `zone`. A time skipped by a daylight
/// saving change (02:30 on the spring-forward day) is the one just after the gap; a time that
/// happens twice (01:30 on the fall-back day) is the first (RFC 5545's rule for local times).
pub fn instant(date: Date, time: Time, zone: &TimeZone) -> Result<Timestamp, DomainError> {
    zone.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .map_err(|_| DomainError::invalid("window", "is not a time that exists there"))
}

impl Window {
    /// From `start` to `end` wall-clock on `date` in `zone`; an `end` at or before `start`
    /// ends the next day (an overnight window).
    pub fn local(date: Date, start: Time, end: Time, zone: &TimeZone) -> Result<Self, DomainError> {
        let end_date = if end <= start { date.tomorrow().map_err(|_| DomainError::invalid("window", "is out of range"))? } else { date };
        Ok(Self { start: instant(date, start, zone)?, end: instant(end_date, end, zone)? })
    }

    pub fn length(&self) -> SignedDuration {
        self.end.duration_since(self.start)
    }

    /// The window's own rules (end after start, at most [`MAX_WINDOW`]), and, for a window
    /// being booked or asked for, not already begun at `now`. Errors name `field`.
    pub fn check(&self, field: &str, now: Option<Timestamp>) -> Result<(), DomainError> {
        if self.end <= self.start {
            return Err(DomainError::invalid(field, "must end after it starts"));
        }
        if self.length() > MAX_WINDOW {
            return Err(DomainError::invalid(field, "can be at most 12 hours long"));
        }
        if now.is_some_and(|now| self.start < now) {
            return Err(DomainError::invalid(field, "must not be in the past"));
        }
        Ok(())
    }

    /// The window's dates and times on the wall clock of `zone`.
    pub fn in_zone(&self, zone: &TimeZone) -> (jiff::civil::DateTime, jiff::civil::DateTime) {
        (self.start.to_zoned(zone.clone()).datetime(), self.end.to_zoned(zone.clone()).datetime())
    }
}

/// When the contractor works, per weekday (none: closed that day), in its own zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WorkingHours {
    /// Monday first; `null` for a day off.
    #[schema(min_items = 7, max_items = 7)]
    pub days: [Option<Hours>; 7],
}

/// One day's opening hours, wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Hours {
    #[schema(value_type = String, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", example = "08:00")]
    pub open: Time,
    #[schema(value_type = String, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", example = "17:00")]
    pub close: Time,
}

impl Default for WorkingHours {
    /// Monday to Friday, 8:00 to 17:00.
    fn default() -> Self {
        let day = Some(Hours { open: Time::constant(8, 0, 0, 0), close: Time::constant(17, 0, 0, 0) });
        Self { days: [day, day, day, day, day, None, None] }
    }
}

impl WorkingHours {
    pub fn on(&self, day: Weekday) -> Option<Hours> {
        self.days[usize::from(day.to_monday_zero_offset().unsigned_abs())]
    }

    /// Whether the whole window falls inside one day's hours, in `zone`.
    pub fn contains(&self, w: &Window, zone: &TimeZone) -> bool {
        let (start, end) = w.in_zone(zone);
        start.date() == end.date()
            && self.on(start.date().weekday()).is_some_and(|h| start.time() >= h.open && end.time() <= h.close && start.time() < end.time())
    }

    /// Each day's hours open before they close.
    pub fn check(&self) -> Result<(), DomainError> {
        match self.days.iter().flatten().find(|h| h.close <= h.open) {
            Some(_) => Err(DomainError::invalid("working_hours", "each day must close after it opens")),
            None => Ok(()),
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Job {
    pub id: JobId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// Where the work is (label, address, zone), as the property was when the job was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// `J-1001`.
    pub number: String,
    pub title: String,
    pub scope: String,
    /// The approved lines (with the chosen options), from its estimate.
    pub lines: Vec<LineItem>,
    /// The estimates it carries out, with their printed numbers (`E-1042`).
    pub estimates: Vec<EstimateRef>,
    /// The service agreement whose included visit it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementId>,
    pub status: JobStatus,
    /// Why it is on hold, in words the customer sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
    /// The zone its visits' windows are shown in (the property's, else the contractor's).
    pub time_zone: String,
    /// What happened to it, oldest first (the timeline's status changes).
    #[serde(default)]
    pub history: Vec<Change>,
    pub rev: u64,
}

/// The estimate a job carries out, with its printed number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateRef {
    pub id: EstimateId,
    pub number: String,
}

/// One step of a job's or a visit's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Change {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `created`, `scheduled`, `on_hold`, `resumed`, `completed`, `cancelled`; for visits
    /// `scheduled`, `confirmed`, `moved`, `on_the_way`, `arrived`, `completed`, `cancelled`.
    pub what: String,
    /// A reason or note the customer sees (why on hold, why cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The window a visit was booked or moved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

impl Change {
    pub fn new(at: Timestamp, what: &str) -> Change {
        Change { at, what: what.to_string(), note: None, window: None }
    }
    pub fn with_note(mut self, note: Option<String>) -> Change {
        self.note = note.filter(|n| !n.trim().is_empty());
        self
    }
    pub fn with_window(mut self, w: Window) -> Change {
        self.window = Some(w);
        self
    }
}

/// Most history steps kept per record (older ones are in the audit log).
pub const MAX_HISTORY: usize = 200;

fn push(history: &mut Vec<Change>, c: Change) {
    if history.len() >= MAX_HISTORY {
        history.remove(0);
    }
    history.push(c);
}

/// The longest hold reason, cancel reason and visit notes.
pub const MAX_NOTE: usize = 2000;

/// A note's rules: trimmed, at most [`MAX_NOTE`] characters.
pub fn check_note(field: &str, note: &str) -> Result<String, DomainError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(DomainError::invalid(field, "can be at most 2,000 characters"));
    }
    Ok(note.to_string())
}

/// What a new job is.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: JobId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub site: Option<Site>,
    pub number: String,
    pub title: String,
    pub scope: String,
    pub lines: Vec<LineItem>,
    pub estimate: Option<EstimateRef>,
    pub agreement: Option<AgreementId>,
    /// The property's zone, else the contractor's.
    pub time_zone: String,
}

/// The job number that goes with an estimate's (`E-1042` -> `J-1042`). Jobs and estimates
/// share one number series per contractor (an office-made job takes the next estimate
/// number), so a job made by an approval needs no counter of its own and no extra round trip,
/// and the customer sees which estimate became which job.
pub fn number_for(estimate_number: &str) -> String {
    let digits = estimate_number.trim_start_matches(|c: char| !c.is_ascii_digit());
    format!("J-{digits}")
}

impl JobId {
    /// The id of the job an estimate's approval makes (`est_01J...` -> `job_01J...`): one
    /// job per estimate, so an approval replayed can never make a second one.
    pub fn of_estimate(e: &EstimateId) -> JobId {
        let rest = e.as_str().strip_prefix("est_").unwrap_or(e.as_str());
        JobId(format!("job_{rest}"))
    }
}

impl JobId {
    /// The id of an agreement's `n`th included visit's job (`agr_01J...` -> `job_01J..._2`).
    pub fn of_agreement(g: &AgreementId, n: u8) -> JobId {
        let rest = g.as_str().strip_prefix("agr_").unwrap_or(g.as_str());
        JobId(format!("job_{rest}_{n}"))
    }
}

impl Job {
    /// A new job, waiting to be scheduled.
    pub fn new(n: NewJob, now: Timestamp) -> Job {
        Job {
            id: n.id,
            tenant: n.tenant,
            account: n.account,
            property: n.site.as_ref().map(|s| s.property.clone()),
            site: n.site,
            number: n.number,
            title: n.title,
            scope: n.scope,
            lines: n.lines,
            estimates: n.estimate.into_iter().collect(),
            agreement: n.agreement,
            status: JobStatus::Unscheduled,
            hold_reason: None,
            created_at: now,
            completed_at: None,
            time_zone: n.time_zone,
            history: vec![Change::new(now, "created")],
            rev: 1,
        }
    }

    /// The job after `event` at `now`, with its history step (`note`: a reason the customer
    /// sees, required to put it on hold).
    pub fn after(&self, event: JobEvent, now: Timestamp, note: Option<String>) -> Result<Job, DomainError> {
        let mut j = self.clone();
        j.status = job_transition(self.status, event)?;
        j.hold_reason = match event {
            JobEvent::Hold => Some(
                note.clone()
                    .filter(|n| !n.trim().is_empty())
                    .ok_or_else(|| DomainError::invalid("reason", "say why, in words the customer will see"))?,
            ),
            _ => None,
        };
        if event == JobEvent::Complete {
            j.completed_at = Some(now);
        }
        if j.status != self.status {
            let what = match event {
                JobEvent::Resume { .. } => "resumed",
                _ => j.status.as_str(),
            };
            push(&mut j.history, Change::new(now, what).with_note(note));
        }
        j.rev += 1;
        Ok(j)
    }

    /// The job after its visits changed: scheduled when it has an open one, back to
    /// unscheduled when none is left, in progress once someone arrived. Closed and on-hold
    /// jobs stay as they are.
    pub fn follow(&self, visits: &[Visit], now: Timestamp) -> Job {
        let open = visits.iter().any(|v| !v.status.is_closed());
        let started = visits.iter().any(|v| matches!(v.status, VisitStatus::Arrived | VisitStatus::Completed));
        let event = match self.status {
            JobStatus::Unscheduled if open => Some(JobEvent::Schedule),
            JobStatus::Scheduled if started => Some(JobEvent::Start),
            JobStatus::Scheduled if !open => Some(JobEvent::Unschedule),
            _ => None,
        };
        match event.map(|e| self.after(e, now, None)) {
            Some(Ok(j)) => j,
            _ => self.clone(),
        }
    }

    /// The property's zone (else the contractor's), parsed.
    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }
}

/// A technician on a visit, as customers see them: a name and a photo, never their phone or
/// email. Kept on the visit so the customer's pages read no staff records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Crew {
    pub id: StaffId,
    /// `Sam`.
    pub name: String,
    /// The photo's path under `/media/`, if they have one.
    pub photo: Option<String>,
}

impl Crew {
    pub fn of(s: &crate::party::Staff) -> Crew {
        Crew { id: s.id.clone(), name: s.shown_name(), photo: s.photo.clone() }
    }
}

/// A visit as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: VisitId,
    pub job: JobId,
    pub status: VisitStatus,
    /// The window booked.
    pub window: Window,
    /// The window the customer asked for, if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<Window>,
    pub technicians: Vec<Crew>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<Timestamp>,
    /// What the customer should know (gate code reminder, "we will need the attic open").
    #[serde(default)]
    pub customer_notes: String,
    /// For the office and technicians only.
    #[serde(default)]
    pub internal_notes: String,
    /// What was done, for the customer.
    #[serde(default)]
    pub completion_notes: String,
    /// The equipment installed on this visit, as recorded then (the property keeps the
    /// current record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub installed: Vec<assets::Equipment>,
    /// The calendar event's SEQUENCE (RFC 5545): rises each time the visit moves.
    pub sequence: u32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Scheduled, confirmed, moved, on the way, arrived, completed, cancelled: oldest first.
    #[serde(default)]
    pub history: Vec<Change>,
    pub rev: u64,
}

impl Visit {
    /// A visit booked at `now` for `window` with `technicians`, to be confirmed.
    pub fn new(id: VisitId, job: JobId, window: Window, technicians: Vec<Crew>, now: Timestamp) -> Visit {
        Visit {
            id,
            job,
            status: VisitStatus::Scheduled,
            window,
            requested: None,
            technicians,
            eta: None,
            started_at: None,
            finished_at: None,
            confirmed_at: None,
            customer_notes: String::new(),
            internal_notes: String::new(),
            completion_notes: String::new(),
            installed: Vec::new(),
            sequence: 0,
            created_at: now,
            history: vec![Change::new(now, "scheduled").with_window(window)],
            rev: 1,
        }
    }

    /// Whether `staff` is one of its technicians.
    pub fn assigned(&self, staff: &StaffId) -> bool {
        self.technicians.iter().any(|c| &c.id == staff)
    }

    /// The visit after `event` at `now`.
    pub fn after(&self, event: VisitEvent, now: Timestamp) -> Result<Visit, DomainError> {
        let mut v = self.clone();
        v.status = visit_transition(self.status, event)?;
        match event {
            VisitEvent::Confirm => v.confirmed_at = Some(now),
            VisitEvent::Arrive => v.started_at = Some(now),
            VisitEvent::Complete => v.finished_at = Some(now),
            VisitEvent::Depart | VisitEvent::Move | VisitEvent::Cancel => {}
        }
        if event == VisitEvent::Cancel {
            // The calendar event changes (STATUS:CANCELLED): a new sequence makes every
            // calendar take it.
            v.sequence += 1;
        }
        let what = match event {
            VisitEvent::Move => "moved",
            _ => v.status.as_str(),
        };
        push(&mut v.history, Change::new(now, what));
        v.rev += 1;
        Ok(v)
    }

    /// On the way, arriving `minutes` from `now` (1 to 600).
    pub fn departed(&self, minutes: i64, now: Timestamp) -> Result<Visit, DomainError> {
        if !ETA_MINUTES.contains(&minutes) {
            return Err(DomainError::invalid("eta_minutes", "must be 1 to 600 minutes"));
        }
        let mut v = self.after(VisitEvent::Depart, now)?;
        v.eta =
            Some(now.checked_add(SignedDuration::from_mins(minutes)).map_err(|_| DomainError::invalid("eta_minutes", "is out of range"))?);
        Ok(v)
    }

    /// Moved to `window`: the same visit (its id and calendar UID), scheduled again (to be
    /// confirmed again), its calendar sequence raised.
    pub fn moved(&self, window: Window, now: Timestamp) -> Result<Visit, DomainError> {
        window.check("window", Some(now))?;
        let mut v = self.after(VisitEvent::Move, now)?;
        v.window = window;
        v.confirmed_at = None;
        v.sequence += 1;
        if let Some(last) = v.history.last_mut() {
            last.window = Some(window);
        }
        Ok(v)
    }
}

/// What the office did with a reschedule request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The visit was moved to this window.
    Moved { window: Window },
    /// Declined, with a message the customer sees.
    Declined { message: String },
    /// The visit was cancelled, as the customer asked.
    Cancelled,
}

/// A customer's request to move a visit: its own record pointing at the visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RescheduleRequest {
    pub id: RescheduleId,
    pub job: JobId,
    pub visit: VisitId,
    /// The customer asks to cancel the visit rather than move it (no preferred windows).
    #[serde(default)]
    pub cancel: bool,
    /// One to three windows that suit the customer, in the future, inside working hours.
    pub preferred: Vec<Window>,
    pub note: String,
    pub by: crate::ids::ContactId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Timestamp>,
}

/// The preferred windows' rules: one to three, each in the future and inside the working
/// hours of one day in `zone`. Errors name `preferred[i]`.
pub fn check_preferred(preferred: &[Window], hours: &WorkingHours, zone: &TimeZone, now: Timestamp) -> Result<(), DomainError> {
    let mut e = crate::FieldErrors::new();
    if preferred.is_empty() || preferred.len() > MAX_PREFERRED {
        e.add("preferred", "give one to three windows that suit you");
    }
    for (i, w) in preferred.iter().enumerate().take(MAX_PREFERRED) {
        let field = format!("preferred[{i}]");
        if let Err(err) = w.check(&field, Some(now)) {
            e.absorb("", err);
        } else if !hours.contains(w, zone) {
            e.add(field, "must be within our working hours");
        }
    }
    e.into_result()
}

pub mod assets;
pub mod calendar;
pub mod view;

#[cfg(test)]
mod tests;
