//! The adoption figures: how many contacts were reached and signed in, how many estimates were
//! approved in the portal or offline and invoices paid online or offline, month by month, and
//! how fast (medians from bucketed histograms).
//!
//! They are counted as they happen: each event that changes a figure carries a [`Tally`] of
//! what it adds (or takes back), written in the same transaction as the event, so reading the
//! figures is a handful of small items whatever the number of customers. Recounting from the
//! records ([`Tally`] built from every partition) gives the same counts; a test holds the two
//! together.
use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::invoice::{Invoice, InvoiceStatus, PaymentMethod, PaymentStatus};
use crate::party::ContactActivity;
use crate::payment::{Document, PaymentRecord};

/// Where a count lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cell {
    /// A month of the contractor's calendar (`2026-11`).
    Month(String),
    /// Running totals and the duration histograms.
    Totals,
    /// A day of the contractor's calendar: contacts whose last sign-in was that day.
    Day(Date),
}

/// The counters (attribute names of the stored items).
pub mod field {
    pub const CONTACTS: &str = "contacts";
    /// Reached: sent a welcome, an estimate or an invoice with a link, or signed in with a
    /// link they asked for (whichever came first).
    pub const INVITED: &str = "invited";
    /// Signed in at least once.
    pub const ACTIVATED: &str = "activated";
    pub const APPROVED_PORTAL: &str = "approved_portal";
    pub const APPROVED_OFFLINE: &str = "approved_offline";
    pub const PAID_ONLINE: &str = "paid_online";
    pub const PAID_OFFLINE: &str = "paid_offline";
    /// Completed jobs, each asked once to be rated (the review request).
    pub const REVIEW_REQUESTS: &str = "review_requests";
    /// Jobs rated (counted when first rated).
    pub const RATED: &str = "rated";
    /// On a [`super::Cell::Day`]: contacts last seen that day.
    pub const SEEN: &str = "seen";
    /// Histogram prefixes: `{prefix}{bucket}`.
    pub const APPROVE_PORTAL_HOURS: &str = "approve_portal_h";
    pub const APPROVE_OFFLINE_HOURS: &str = "approve_offline_h";
    pub const PAY_ONLINE_DAYS: &str = "pay_online_d";
    pub const PAY_OFFLINE_DAYS: &str = "pay_offline_d";
}

/// Upper bounds (exclusive) of the hours-to-approve buckets; one more bucket is open-ended.
pub const HOURS: [f64; 16] = [1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0, 120.0, 168.0, 240.0, 336.0, 504.0, 720.0, 1440.0, 2160.0];
/// Upper bounds (exclusive) of the days-to-pay buckets; one more bucket is open-ended.
pub const DAYS: [f64; 14] = [1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0, 21.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0];

/// The bucket of `value` among `bounds` (the last index, `bounds.len()`, is open-ended).
pub fn bucket(bounds: &[f64], value: f64) -> usize {
    bounds.iter().position(|b| value < *b).unwrap_or(bounds.len())
}

/// The median of a bucketed histogram, interpolated inside its bucket; `None` when empty. The
/// open-ended bucket answers its lower bound.
pub fn median(bounds: &[f64], counts: &[i64]) -> Option<f64> {
    let n: i64 = counts.iter().sum();
    if n <= 0 {
        return None;
    }
    let middle = n as f64 / 2.0;
    let mut below = 0i64;
    for (i, &k) in counts.iter().enumerate() {
        if k > 0 && (below + k) as f64 >= middle {
            let lower = i.checked_sub(1).and_then(|j| bounds.get(j)).copied().unwrap_or(0.0);
            let upper = bounds.get(i).copied().unwrap_or(lower);
            let v = lower + (upper - lower) * (middle - below as f64) / k as f64;
            return Some((v * 10.0).round() / 10.0);
        }
        below += k;
    }
    None
}

/// `2026-11`.
pub fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// When a contact was first reached: invited, or signed in, whichever came first.
pub fn reached(a: &ContactActivity) -> Option<Timestamp> {
    match (a.invited_at, a.first_signed_in_at) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// An invoice's payment in full, as the figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    /// When the last settled payment settled.
    pub at: Timestamp,
    /// Any of it paid online (card, bank debit).
    pub online: bool,
    pub issued_at: Option<Timestamp>,
}

/// The invoice's payment in full, if it is paid: from the payments made on it.
pub fn paid<'a>(invoice: &Invoice, payments: impl IntoIterator<Item = &'a PaymentRecord>) -> Option<Paid> {
    if invoice.status != InvoiceStatus::Paid {
        return None;
    }
    let doc = Document::Invoice(invoice.id.clone());
    let settled: Vec<&PaymentRecord> =
        payments.into_iter().filter(|p| p.document == doc && p.state.status == PaymentStatus::Succeeded).collect();
    let at = settled.iter().map(|p| p.updated_at).max()?;
    let online = settled.iter().any(|p| matches!(p.state.method, PaymentMethod::Card | PaymentMethod::Ach | PaymentMethod::Online));
    Some(Paid { at, online, issued_at: invoice.issued_at })
}

/// What one event adds to (or takes back from) the figures, cell by cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    counts: BTreeMap<Cell, BTreeMap<String, i64>>,
}

impl Tally {
    pub fn add(&mut self, cell: Cell, field: &str, n: i64) {
        if n != 0 {
            *self.counts.entry(cell).or_default().entry(field.to_string()).or_default() += n;
        }
    }

    /// Adds another tally's counts to this one.
    pub fn absorb(&mut self, other: Tally) {
        for (cell, fields) in other.counts {
            for (f, n) in fields {
                self.add(cell.clone(), &f, n);
            }
        }
    }

    /// The cells with something to add, without the fields that cancelled out.
    pub fn cells(&self) -> impl Iterator<Item = (&Cell, Vec<(&str, i64)>)> {
        self.counts
            .iter()
            .map(|(c, f)| (c, f.iter().filter(|(_, n)| **n != 0).map(|(k, n)| (k.as_str(), *n)).collect::<Vec<_>>()))
            .filter(|(_, f)| !f.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.cells().next().is_none()
    }

    fn month(at: Timestamp, zone: &TimeZone) -> Cell {
        Cell::Month(month_key(at.to_zoned(zone.clone()).date()))
    }

    /// A contact added (`1`) or removed (`-1`), with what their activity counted.
    pub fn contact(&mut self, a: &ContactActivity, n: i64, zone: &TimeZone) {
        self.add(Cell::Totals, field::CONTACTS, n);
        if let Some(at) = reached(a) {
            self.reached(at, n, zone);
        }
        if let Some(at) = a.first_signed_in_at {
            self.add(Cell::Totals, field::ACTIVATED, n);
            self.add(Self::month(at, zone), field::ACTIVATED, n);
        }
        if let Some(at) = a.last_signed_in_at {
            self.add(Cell::Day(at.to_zoned(zone.clone()).date()), field::SEEN, n);
        }
    }

    fn reached(&mut self, at: Timestamp, n: i64, zone: &TimeZone) {
        self.add(Cell::Totals, field::INVITED, n);
        self.add(Self::month(at, zone), field::INVITED, n);
    }

    /// A contact's activity changed from `before` to `after`: what the one counted is taken
    /// back and what the other counts is added (the differences cancel out).
    pub fn changed(&mut self, before: &ContactActivity, after: &ContactActivity, zone: &TimeZone) {
        self.contact(before, -1, zone);
        self.contact(after, 1, zone);
    }

    /// The contact, as it was (`before`), is sent a link at `at` (`again`: a welcome sent
    /// again restamps `invited_at`): reached, unless it was, and counted in the month its
    /// first reach now falls in.
    pub fn invited(&mut self, before: &ContactActivity, at: Timestamp, again: bool, zone: &TimeZone) {
        let mut after = before.clone();
        after.invited_at = if again { Some(at) } else { before.invited_at.or(Some(at)) };
        self.changed(before, &after, zone);
    }

    /// The contact, as it was (`before`), signs in at `at`: activated (and reached) the first
    /// time, and last seen today rather than on its previous day.
    pub fn signed_in(&mut self, before: &ContactActivity, at: Timestamp, zone: &TimeZone) {
        let mut after = before.clone();
        after.first_signed_in_at = before.first_signed_in_at.or(Some(at));
        after.last_signed_in_at = Some(at);
        self.changed(before, &after, zone);
    }

    /// An estimate approved at `at`, signed in the portal or recorded by the office, sent at
    /// `sent_at`.
    pub fn approved(&mut self, portal: bool, sent_at: Option<Timestamp>, at: Timestamp, zone: &TimeZone) {
        let (count, hist) = if portal {
            (field::APPROVED_PORTAL, field::APPROVE_PORTAL_HOURS)
        } else {
            (field::APPROVED_OFFLINE, field::APPROVE_OFFLINE_HOURS)
        };
        self.add(Self::month(at, zone), count, 1);
        if let Some(sent) = sent_at {
            let hours = at.duration_since(sent).as_secs_f64() / 3600.0;
            self.add(Cell::Totals, &format!("{hist}{}", bucket(&HOURS, hours)), 1);
        }
    }

    /// An invoice paid in full (`1`), or no longer (`-1`).
    pub fn paid(&mut self, p: &Paid, n: i64, zone: &TimeZone) {
        let (count, hist) =
            if p.online { (field::PAID_ONLINE, field::PAY_ONLINE_DAYS) } else { (field::PAID_OFFLINE, field::PAY_OFFLINE_DAYS) };
        self.add(Self::month(p.at, zone), count, n);
        if let Some(issued) = p.issued_at {
            let days = p.at.duration_since(issued).as_secs_f64() / 86_400.0;
            self.add(Cell::Totals, &format!("{hist}{}", bucket(&DAYS, days)), n);
        }
    }

    /// A job completed at `at`: its review request (in the job's zone).
    pub fn review_requested(&mut self, at: Timestamp, zone: &TimeZone) {
        self.add(Cell::Totals, field::REVIEW_REQUESTS, 1);
        self.add(Self::month(at, zone), field::REVIEW_REQUESTS, 1);
    }

    /// A job first rated at `at` (in the job's zone).
    pub fn rated(&mut self, at: Timestamp, zone: &TimeZone) {
        self.add(Cell::Totals, field::RATED, 1);
        self.add(Self::month(at, zone), field::RATED, 1);
    }

    /// An invoice's payment in full as it was and as it is now.
    pub fn paid_change(&mut self, before: Option<Paid>, after: Option<Paid>, zone: &TimeZone) {
        if before != after {
            if let Some(b) = &before {
                self.paid(b, -1, zone);
            }
            if let Some(a) = &after {
                self.paid(a, 1, zone);
            }
        }
    }
}

/// The figures, month by month (oldest first), and as they stand.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Adoption {
    pub months: Vec<Month>,
    pub contacts: u32,
    /// Reached: sent a welcome, an estimate or an invoice with a link, or signed in with a
    /// link they asked for (so never fewer than `contacts_activated`).
    pub contacts_invited: u32,
    /// Signed in at least once.
    pub contacts_activated: u32,
    /// Signed in within the last 90 days (by the contractor's calendar).
    pub contacts_active_90_days: u32,
    /// Median hours from an estimate's sending to its approval: signed in the portal, against
    /// approved by phone or on paper (recorded by the office).
    pub hours_to_approve: Compared,
    /// Median days from an invoice's issue to its last payment: paid online, against paid by
    /// cheque, cash or credit only.
    pub days_to_pay: Compared,
    /// Completed jobs asked to be rated, and jobs rated: the share of review requests
    /// answered.
    pub review_requests: u32,
    pub ratings: u32,
}

/// One month of adoption.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Month {
    /// `2026-11`.
    pub month: String,
    pub contacts_invited: u32,
    pub contacts_activated: u32,
    pub estimates_approved_in_portal: u32,
    pub estimates_approved_offline: u32,
    pub invoices_paid_online: u32,
    pub invoices_paid_offline: u32,
    /// Jobs completed (each asked once to be rated), and jobs first rated, that month.
    pub review_requests: u32,
    pub ratings: u32,
}

/// One figure for the documents the portal handled, and for those it did not.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Compared {
    /// The median (one decimal, from buckets), or `null` with nothing to measure.
    pub portal: Option<f64>,
    pub offline: Option<f64>,
    /// How many documents each median is taken over.
    pub portal_count: u32,
    pub offline_count: u32,
}

/// The stored counts, summed over their shards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub BTreeMap<Cell, BTreeMap<String, i64>>);

impl Counts {
    pub fn get(&self, cell: &Cell, field: &str) -> i64 {
        self.0.get(cell).and_then(|f| f.get(field)).copied().unwrap_or(0)
    }

    /// Adds `n`; a count that comes to zero is dropped, so equal figures compare equal.
    pub fn add(&mut self, cell: Cell, field: &str, n: i64) {
        let fields = self.0.entry(cell.clone()).or_default();
        let v = fields.entry(field.to_string()).or_default();
        *v += n;
        if *v == 0 {
            fields.remove(field);
        }
        if fields.is_empty() {
            self.0.remove(&cell);
        }
    }

    fn histogram(&self, prefix: &str, buckets: usize) -> Vec<i64> {
        (0..buckets).map(|i| self.get(&Cell::Totals, &format!("{prefix}{i}")).max(0)).collect()
    }

    fn compared(&self, bounds: &[f64], portal: &str, offline: &str) -> Compared {
        let (p, o) = (self.histogram(portal, bounds.len() + 1), self.histogram(offline, bounds.len() + 1));
        let count = |h: &[i64]| u32::try_from(h.iter().sum::<i64>()).unwrap_or(0);
        Compared { portal: median(bounds, &p), offline: median(bounds, &o), portal_count: count(&p), offline_count: count(&o) }
    }

    /// The figures for the twelve months up to `today` and the 90 days up to it.
    pub fn figures(&self, today: Date) -> Adoption {
        let n = |cell: &Cell, f: &str| u32::try_from(self.get(cell, f)).unwrap_or(0);
        let months = last_months(today)
            .into_iter()
            .map(|key| {
                let c = Cell::Month(key.clone());
                Month {
                    contacts_invited: n(&c, field::INVITED),
                    contacts_activated: n(&c, field::ACTIVATED),
                    estimates_approved_in_portal: n(&c, field::APPROVED_PORTAL),
                    estimates_approved_offline: n(&c, field::APPROVED_OFFLINE),
                    invoices_paid_online: n(&c, field::PAID_ONLINE),
                    invoices_paid_offline: n(&c, field::PAID_OFFLINE),
                    review_requests: n(&c, field::REVIEW_REQUESTS),
                    ratings: n(&c, field::RATED),
                    month: key,
                }
            })
            .collect();
        let (from, _) = last_days(today);
        let active: i64 = self
            .0
            .iter()
            .filter(|(c, _)| matches!(c, Cell::Day(d) if *d >= from && *d <= today))
            .map(|(c, _)| self.get(c, field::SEEN))
            .sum();
        Adoption {
            months,
            contacts: n(&Cell::Totals, field::CONTACTS),
            contacts_invited: n(&Cell::Totals, field::INVITED),
            contacts_activated: n(&Cell::Totals, field::ACTIVATED),
            contacts_active_90_days: u32::try_from(active).unwrap_or(0),
            hours_to_approve: self.compared(&HOURS, field::APPROVE_PORTAL_HOURS, field::APPROVE_OFFLINE_HOURS),
            days_to_pay: self.compared(&DAYS, field::PAY_ONLINE_DAYS, field::PAY_OFFLINE_DAYS),
            review_requests: n(&Cell::Totals, field::REVIEW_REQUESTS),
            ratings: n(&Cell::Totals, field::RATED),
        }
    }
}

/// The twelve months up to `today`'s, oldest first.
pub fn last_months(today: Date) -> Vec<String> {
    let first = today.first_of_month();
    (0..12).rev().map(|back| month_key(first.checked_sub(jiff::Span::new().months(back)).unwrap_or(first))).collect()
}

/// The first and last day of the 90 days up to `today`.
pub fn last_days(today: Date) -> (Date, Date) {
    (today.checked_sub(SignedDuration::from_hours(24 * 89)).unwrap_or(today), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_medians() {
        assert_eq!(bucket(&HOURS, 0.5), 0);
        assert_eq!(bucket(&HOURS, 1.0), 1);
        assert_eq!(bucket(&HOURS, 10_000.0), HOURS.len());
        let mut h = vec![0; HOURS.len() + 1];
        assert_eq!(median(&HOURS, &h), None);
        h[0] = 1;
        assert_eq!(median(&HOURS, &h), Some(0.5), "one sample: the middle of its bucket");
        h[5] = 3;
        // Four samples: the middle (2.0) is the first of the three in [12, 24).
        assert_eq!(median(&HOURS, &h), Some(16.0));
        let mut open = vec![0; DAYS.len() + 1];
        open[DAYS.len()] = 2;
        assert_eq!(median(&DAYS, &open), Some(180.0), "the open bucket answers its lower bound");
    }

    #[test]
    fn a_welcome_sent_again_moves_the_month_of_a_contact_not_yet_signed_in() {
        let zone = TimeZone::UTC;
        let october: Timestamp = "2026-10-10T10:00:00Z".parse().unwrap_or_default();
        let november: Timestamp = "2026-11-10T10:00:00Z".parse().unwrap_or_default();
        let before = ContactActivity { invited_at: Some(october), ..ContactActivity::default() };
        let mut t = Tally::default();
        t.invited(&before, november, true, &zone);
        let cells: Vec<(Cell, Vec<(String, i64)>)> =
            t.cells().map(|(c, f)| (c.clone(), f.into_iter().map(|(k, n)| (k.to_string(), n)).collect())).collect();
        assert_eq!(
            cells,
            vec![
                (Cell::Month("2026-10".into()), vec![(field::INVITED.into(), -1)]),
                (Cell::Month("2026-11".into()), vec![(field::INVITED.into(), 1)]),
            ],
            "the total stays, the month moves"
        );
        let mut once = Tally::default();
        once.invited(&before, november, false, &zone);
        assert!(once.is_empty(), "a document link to someone already reached counts nothing");
    }

    #[test]
    fn a_sign_in_moves_the_last_seen_day_and_activates_once() {
        let zone = TimeZone::UTC;
        let t1: Timestamp = "2026-11-02T10:00:00Z".parse().unwrap_or_default();
        let t2: Timestamp = "2026-11-20T10:00:00Z".parse().unwrap_or_default();
        let mut a = ContactActivity::default();
        let mut first = Tally::default();
        first.signed_in(&a, t1, &zone);
        let mut c = Counts::default();
        for (cell, f) in first.cells() {
            for (k, n) in f {
                c.add(cell.clone(), k, n);
            }
        }
        a.first_signed_in_at = Some(t1);
        a.last_signed_in_at = Some(t1);
        let mut again = Tally::default();
        again.signed_in(&a, t2, &zone);
        for (cell, f) in again.cells() {
            for (k, n) in f {
                c.add(cell.clone(), k, n);
            }
        }
        let today = t2.to_zoned(zone).date();
        let f = c.figures(today);
        assert_eq!((f.contacts_invited, f.contacts_activated, f.contacts_active_90_days), (1, 1, 1));
        assert_eq!(c.get(&Cell::Day(t1.to_zoned(TimeZone::UTC).date()), field::SEEN), 0, "moved off its old day");
        assert_eq!(f.contacts, 0, "a sign-in adds no contact");
    }
}
