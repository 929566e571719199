//! What a customer sees of jobs: a summary with the next visit, and one job with its visits,
//! linked documents and timeline. Internal notes never leave the office.
use jiff::Timestamp;

use super::{Crew, Job, JobStatus, Outcome, RescheduleRequest, Visit, VisitStatus, Window};
use crate::ids::{InvoiceId, JobId};

/// An invoice of a job as the job's records keep it (written when the invoice is issued and
/// when its payment in full changes), so the job page is one Query.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobInvoice {
    pub id: InvoiceId,
    pub job: JobId,
    pub number: String,
    pub total: i64,
    pub currency: String,
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paid_at: Option<Timestamp>,
    pub void: bool,
}

/// A document a job links to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkedDoc {
    pub id: String,
    pub number: String,
}

/// A customer's pending request about a visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: String,
    /// Asks to cancel rather than move.
    pub cancel: bool,
    pub preferred: Vec<Window>,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub outcome: Option<Outcome>,
}

impl RequestView {
    pub fn of(r: &RescheduleRequest) -> RequestView {
        RequestView {
            id: r.id.to_string(),
            cancel: r.cancel,
            preferred: r.preferred.clone(),
            note: r.note.clone(),
            at: r.at,
            outcome: r.outcome.clone(),
        }
    }
}

/// A visit as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VisitView {
    pub id: String,
    pub job: String,
    pub status: VisitStatus,
    /// The arrival window booked.
    pub window: Window,
    /// IANA zone the window is in (the property's).
    pub time_zone: String,
    pub technicians: Vec<Crew>,
    /// When the technician on the way expects to arrive.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<Timestamp>,
    pub customer_notes: String,
    pub completion_notes: String,
    /// Equipment installed on this visit.
    pub installed: Vec<super::assets::Equipment>,
    /// The calendar event's SEQUENCE.
    pub sequence: u32,
    /// The customer may confirm it now (scheduled, not begun).
    pub may_confirm: bool,
    /// The customer may ask to move or cancel it (open, not yet on the way, no request pending).
    pub may_ask: bool,
    /// Their request waiting for the office, if any.
    pub pending: Option<RequestView>,
}

impl VisitView {
    pub fn of(job: &Job, v: &Visit, requests: &[RescheduleRequest], now: Timestamp) -> VisitView {
        let pending = requests.iter().filter(|r| r.visit == v.id && r.outcome.is_none()).max_by_key(|r| r.at);
        let open = matches!(v.status, VisitStatus::Scheduled | VisitStatus::Confirmed) && v.window.end > now;
        VisitView {
            id: v.id.to_string(),
            job: job.id.to_string(),
            status: v.status,
            window: v.window,
            time_zone: job.time_zone.clone(),
            technicians: v.technicians.clone(),
            eta: v.eta,
            started_at: v.started_at,
            finished_at: v.finished_at,
            confirmed_at: v.confirmed_at,
            customer_notes: v.customer_notes.clone(),
            completion_notes: v.completion_notes.clone(),
            installed: v.installed.clone(),
            sequence: v.sequence,
            may_confirm: open && v.status == VisitStatus::Scheduled && pending.is_none() && job.status != JobStatus::OnHold,
            may_ask: open && pending.is_none() && !job.status.is_closed(),
            pending: pending.map(RequestView::of),
        }
    }
}

impl VisitView {
    /// For a reader who may not act on visits (a viewer contact, staff viewing as the customer).
    pub fn read_only(&mut self) {
        self.may_confirm = false;
        self.may_ask = false;
    }
}

impl JobSummary {
    pub fn read_only(&mut self) {
        if let Some(v) = self.next_visit.as_mut() {
            v.read_only();
        }
    }
}

/// One row of the jobs list, with what comes next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobSummary {
    pub id: String,
    /// `J-1042`.
    pub number: String,
    pub title: String,
    pub status: JobStatus,
    /// Why it is on hold, when it is.
    pub hold_reason: Option<String>,
    pub property: Option<String>,
    pub property_label: Option<String>,
    /// The next visit not yet finished (the one under way first).
    pub next_visit: Option<VisitView>,
    /// The last visit finished, for past jobs.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_visit_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
}

/// The visit to show first: one under way, else the next open one by window.
pub fn next_visit(visits: &[Visit], now: Timestamp) -> Option<&Visit> {
    let under_way = visits.iter().find(|v| matches!(v.status, VisitStatus::OnTheWay | VisitStatus::Arrived));
    under_way.or_else(|| {
        visits
            .iter()
            .filter(|v| matches!(v.status, VisitStatus::Scheduled | VisitStatus::Confirmed) && v.window.end > now)
            .min_by_key(|v| v.window.start)
    })
}

impl JobSummary {
    pub fn of(job: &Job, visits: &[Visit], requests: &[RescheduleRequest], now: Timestamp) -> JobSummary {
        JobSummary {
            id: job.id.to_string(),
            number: job.number.clone(),
            title: job.title.clone(),
            status: job.status,
            hold_reason: job.hold_reason.clone(),
            property: job.property.as_ref().map(ToString::to_string),
            property_label: job.site.as_ref().map(|s| s.label.clone()),
            next_visit: next_visit(visits, now).map(|v| VisitView::of(job, v, requests, now)),
            last_visit_at: visits.iter().filter_map(|v| v.finished_at).max(),
            created_at: job.created_at,
            completed_at: job.completed_at,
        }
    }
}

/// One entry of a job's timeline, oldest first. The web says it in words from `kind`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `job_created`, `job_scheduled`, `job_in_progress`, `job_on_hold`, `job_resumed`,
    /// `job_completed`, `job_cancelled`, `job_unscheduled`; `visit_scheduled`, `visit_confirmed`,
    /// `visit_moved`, `visit_on_the_way`, `visit_arrived`, `visit_completed`,
    /// `visit_cancelled`; `reschedule_requested`, `cancel_requested`, `request_declined`;
    /// `invoice_issued`, `invoice_paid`; `photo_added`, `document_added` (with the file's id
    /// in `file` and its caption in `note`); `message_from_customer`, `message_from_staff`
    /// (the author in `note`).
    pub kind: String,
    pub note: Option<String>,
    pub window: Option<Window>,
    /// The visit it is about.
    pub visit: Option<String>,
    /// The estimate or invoice it is about.
    pub document: Option<LinkedDoc>,
    /// The photo or document it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

fn entry(at: Timestamp, kind: String) -> TimelineEntry {
    TimelineEntry { at, kind, note: None, window: None, visit: None, document: None, file: None }
}

/// Adds the files a viewer sees to a job's timeline, in time order with the rest.
pub fn add_files(timeline: &mut Vec<TimelineEntry>, files: &[&crate::file::StoredFile]) {
    for f in files {
        let kind = match f.kind() {
            crate::file::FileKind::Photo => "photo_added",
            crate::file::FileKind::Document => "document_added",
        };
        let mut e = entry(f.created_at, kind.into());
        e.note = f.labels.caption.clone();
        e.visit = f.attached.visit().map(|v| v.to_string());
        e.file = Some(f.id.to_string());
        timeline.push(e);
    }
    timeline.sort_by_key(|e| e.at);
}

/// Adds the messages of the job's thread a viewer sees to its timeline (who wrote, not what:
/// the thread shows the text).
pub fn add_messages(timeline: &mut Vec<TimelineEntry>, messages: &[&crate::message::Message]) {
    for m in messages {
        let kind = if m.author.staff { "message_from_staff" } else { "message_from_customer" };
        let mut e = entry(m.at, kind.into());
        e.note = Some(m.author.name.clone());
        timeline.push(e);
    }
    timeline.sort_by_key(|e| e.at);
}

/// The job's timeline, derived from its records (nothing is stored twice): its own history,
/// its visits', the customer's requests and its invoices.
pub fn timeline(job: &Job, visits: &[Visit], requests: &[RescheduleRequest], invoices: &[JobInvoice]) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for c in &job.history {
        let mut e = entry(c.at, format!("job_{}", c.what));
        e.note = c.note.clone();
        if c.what == "created" {
            e.document = job.estimates.first().map(|d| LinkedDoc { id: d.id.to_string(), number: d.number.clone() });
        }
        out.push(e);
    }
    for v in visits {
        for c in &v.history {
            let mut e = entry(c.at, format!("visit_{}", c.what));
            e.note = c.note.clone();
            e.window = c.window;
            e.visit = Some(v.id.to_string());
            out.push(e);
        }
    }
    for r in requests {
        let mut e = entry(r.at, (if r.cancel { "cancel_requested" } else { "reschedule_requested" }).to_string());
        e.note = Some(r.note.clone()).filter(|n| !n.is_empty());
        e.visit = Some(r.visit.to_string());
        out.push(e);
        if let (Some(Outcome::Declined { message }), Some(at)) = (&r.outcome, r.decided_at) {
            let mut e = entry(at, "request_declined".into());
            e.note = Some(message.clone());
            e.visit = Some(r.visit.to_string());
            out.push(e);
        }
    }
    for i in invoices.iter().filter(|i| !i.void) {
        let doc = LinkedDoc { id: i.id.to_string(), number: i.number.clone() };
        let mut e = entry(i.issued_at, "invoice_issued".into());
        e.document = Some(doc.clone());
        out.push(e);
        if let Some(at) = i.paid_at {
            let mut e = entry(at, "invoice_paid".into());
            e.document = Some(doc);
            out.push(e);
        }
    }
    // Stable: entries of the same instant keep the order they were made in.
    out.sort_by_key(|e| e.at);
    out
}

/// One job as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub summary: JobSummary,
    pub scope: String,
    pub lines: Vec<crate::estimate::LineItem>,
    /// One line, for a maps link.
    pub address: Option<String>,
    pub time_zone: String,
    pub visits: Vec<VisitView>,
    pub estimates: Vec<LinkedDoc>,
    pub invoices: Vec<JobInvoice>,
    pub timeline: Vec<TimelineEntry>,
}

impl JobView {
    pub fn of(job: &Job, visits: &[Visit], requests: &[RescheduleRequest], invoices: &[JobInvoice], now: Timestamp) -> JobView {
        JobView {
            summary: JobSummary::of(job, visits, requests, now),
            scope: job.scope.clone(),
            lines: job.lines.clone(),
            address: job.site.as_ref().map(|s| s.address.clone()),
            time_zone: job.time_zone.clone(),
            visits: visits.iter().map(|v| VisitView::of(job, v, requests, now)).collect(),
            estimates: job.estimates.iter().map(|d| LinkedDoc { id: d.id.to_string(), number: d.number.clone() }).collect(),
            invoices: invoices.iter().filter(|i| !i.void).cloned().collect(),
            timeline: timeline(job, visits, requests, invoices),
        }
    }
}
