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
use crate::ids::{AccountId, EstimateId, InvoiceId, PropertyId, StaffId, TenantId};
pub use crate::ids::{JobId, RescheduleId, VisitId};

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
    /// Monday first; `None` for a day off.
    pub days: [Option<Hours>; 7],
}

/// One day's opening hours, wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Hours {
    #[schema(value_type = String, example = "08:00")]
    pub open: Time,
    #[schema(value_type = String, example = "17:00")]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub id: JobId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// `J-1001`.
    pub number: String,
    pub title: String,
    pub scope: String,
    /// The approved lines (with the chosen options), from its estimate.
    pub lines: Vec<LineItem>,
    pub estimates: Vec<EstimateId>,
    pub invoices: Vec<InvoiceId>,
    pub status: JobStatus,
    /// Why it is on hold, in words the customer sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<String>,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// The zone its visits' windows are shown in (the property's, else the contractor's).
    pub time_zone: String,
    pub rev: u64,
}

/// A visit as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub job: JobId,
    pub status: VisitStatus,
    /// The window booked.
    pub window: Window,
    /// The window the customer asked for, if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<Window>,
    pub technicians: Vec<StaffId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// The calendar event's SEQUENCE (RFC 5545): rises each time the visit moves.
    pub sequence: u32,
    pub created_at: Timestamp,
    pub rev: u64,
}

impl Visit {
    /// A visit booked at `now` for `window` with `technicians`, to be confirmed.
    pub fn new(id: VisitId, job: JobId, window: Window, technicians: Vec<StaffId>, now: Timestamp) -> Visit {
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
            sequence: 0,
            created_at: now,
            rev: 1,
        }
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
}

/// A customer's request to move a visit: its own record pointing at the visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RescheduleRequest {
    pub id: RescheduleId,
    pub job: JobId,
    pub visit: VisitId,
    /// One to three windows that suit the customer, in the future, inside working hours.
    pub preferred: Vec<Window>,
    pub note: String,
    pub by: crate::ids::ContactId,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

#[cfg(test)]
mod tests;
