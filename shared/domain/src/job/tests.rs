use jiff::civil::{Date, Time, date, time};
use proptest::prelude::*;

use super::*;

fn chicago() -> TimeZone {
    TimeZone::get("America/Chicago").unwrap_or(TimeZone::UTC)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

fn visit(window: Window) -> Visit {
    let id = "vis_1".parse().unwrap_or_else(|_| unreachable!());
    Visit::new(id, "job_1".parse().unwrap_or_else(|_| unreachable!()), window, vec![], Timestamp::UNIX_EPOCH)
}

#[test]
fn a_window_is_made_in_the_zone_of_its_property() {
    let w = Window::local(date(2026, 7, 14), time(8, 0, 0, 0), time(10, 0, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(w.start, ts("2026-07-14T13:00:00Z"), "8:00 CDT");
    assert_eq!(w.length(), SignedDuration::from_hours(2));
    let overnight = Window::local(date(2026, 7, 14), time(22, 0, 0, 0), time(2, 0, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(overnight.length(), SignedDuration::from_hours(4), "ends the next day");
}

#[test]
fn windows_across_daylight_saving_changes_count_real_hours() {
    // 8 March 2026: 2:00 becomes 3:00 in Chicago. 1:00 to 4:00 on the wall is two real hours.
    let spring = Window::local(date(2026, 3, 8), time(1, 0, 0, 0), time(4, 0, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(spring.length(), SignedDuration::from_hours(2));
    // 2:30 does not exist that day: it is the instant just after the gap (3:30 CDT).
    let gap = instant(date(2026, 3, 8), time(2, 30, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(gap, ts("2026-03-08T08:30:00Z"));
    // 1 November 2026: 2:00 becomes 1:00 again. 0:00 to 3:00 on the wall is four real hours.
    let fall = Window::local(date(2026, 11, 1), time(0, 0, 0, 0), time(3, 0, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(fall.length(), SignedDuration::from_hours(4));
    // 1:30 happens twice: the first one (CDT).
    let twice = instant(date(2026, 11, 1), time(1, 30, 0, 0), &chicago()).unwrap_or_else(|_| unreachable!());
    assert_eq!(twice, ts("2026-11-01T06:30:00Z"));
}

#[test]
fn window_rules() {
    let now = ts("2026-07-14T12:00:00Z");
    let ok = Window { start: ts("2026-07-15T13:00:00Z"), end: ts("2026-07-15T15:00:00Z") };
    assert!(ok.check("window", Some(now)).is_ok());
    let backwards = Window { start: ok.end, end: ok.start };
    assert!(backwards.check("window", None).is_err());
    let long = Window { start: ok.start, end: ts("2026-07-16T01:00:01Z") };
    assert!(long.check("window", None).is_err(), "over 12 hours");
    let past = Window { start: ts("2026-07-14T11:00:00Z"), end: ts("2026-07-14T13:00:00Z") };
    assert!(past.check("window", Some(now)).is_err());
    assert!(past.check("window", None).is_ok(), "a visit already booked may have begun");
}

#[test]
fn preferred_windows_are_one_to_three_inside_working_hours() {
    let zone = chicago();
    // Monday 13 July 2026, 11:00 in Chicago.
    let now = ts("2026-07-13T16:00:00Z");
    let hours = WorkingHours::default();
    let w = |d: Date, a: i8, b: i8| Window::local(d, time(a, 0, 0, 0), time(b, 0, 0, 0), &zone).unwrap_or_else(|_| unreachable!());
    // Tuesday 14 July 2026, mornings and afternoons.
    assert!(check_preferred(&[w(date(2026, 7, 14), 8, 12), w(date(2026, 7, 14), 13, 17)], &hours, &zone, now).is_ok());
    assert!(check_preferred(&[], &hours, &zone, now).is_err());
    let four = vec![w(date(2026, 7, 14), 8, 12); 4];
    assert!(check_preferred(&four, &hours, &zone, now).is_err());
    assert!(check_preferred(&[w(date(2026, 7, 18), 9, 11)], &hours, &zone, now).is_err(), "a Saturday");
    assert!(check_preferred(&[w(date(2026, 7, 14), 7, 9)], &hours, &zone, now).is_err(), "before opening");
    assert!(check_preferred(&[w(date(2026, 7, 13), 8, 10)], &hours, &zone, now).is_err(), "already begun");
}

#[test]
fn a_moved_visit_keeps_its_identity_and_raises_its_sequence() {
    let now = ts("2026-07-13T12:00:00Z");
    let first = Window { start: ts("2026-07-14T13:00:00Z"), end: ts("2026-07-14T15:00:00Z") };
    let v = visit(first).after(VisitEvent::Confirm, now).unwrap_or_else(|_| unreachable!());
    let later = Window { start: ts("2026-07-16T13:00:00Z"), end: ts("2026-07-16T15:00:00Z") };
    let moved = v.moved(later, now).unwrap_or_else(|_| unreachable!());
    assert_eq!((moved.id.clone(), moved.sequence, moved.status, moved.confirmed_at), (v.id.clone(), 1, VisitStatus::Scheduled, None));
    let done = moved.departed(25, now).and_then(|v| v.after(VisitEvent::Arrive, now)).and_then(|v| v.after(VisitEvent::Complete, now));
    assert_eq!(done.map(|v| v.status).ok(), Some(VisitStatus::Completed));
    assert!(visit(first).departed(0, now).is_err() && visit(first).departed(601, now).is_err(), "ETA 1 to 600 minutes");
    let cancelled = visit(first).after(VisitEvent::Cancel, now).unwrap_or_else(|_| unreachable!());
    assert!(cancelled.after(VisitEvent::Confirm, now).is_err(), "confirming a cancelled visit");
}

#[test]
fn completing_a_job_is_explicit() {
    assert!(job_transition(JobStatus::Unscheduled, JobEvent::Complete).is_err(), "nothing was scheduled");
    assert_eq!(job_transition(JobStatus::InProgress, JobEvent::Complete).ok(), Some(JobStatus::Completed));
    for s in [JobStatus::Completed, JobStatus::Cancelled] {
        for e in [JobEvent::Schedule, JobEvent::Start, JobEvent::Hold, JobEvent::Complete, JobEvent::Cancel] {
            assert!(job_transition(s, e).is_err(), "{s:?} is closed");
        }
    }
}

fn arb_visit_event() -> impl Strategy<Value = VisitEvent> {
    prop_oneof![
        Just(VisitEvent::Confirm),
        Just(VisitEvent::Move),
        Just(VisitEvent::Depart),
        Just(VisitEvent::Arrive),
        Just(VisitEvent::Complete),
        Just(VisitEvent::Cancel),
    ]
}

fn arb_job_event() -> impl Strategy<Value = JobEvent> {
    prop_oneof![
        Just(JobEvent::Schedule),
        Just(JobEvent::Unschedule),
        Just(JobEvent::Start),
        Just(JobEvent::Hold),
        Just(JobEvent::Resume { scheduled: true }),
        Just(JobEvent::Resume { scheduled: false }),
        Just(JobEvent::Complete),
        Just(JobEvent::Cancel),
    ]
}

proptest! {
    /// Closed visits stay closed, and only Complete completes one.
    #[test]
    fn visit_transitions(events in prop::collection::vec(arb_visit_event(), 0..30)) {
        let mut s = VisitStatus::Scheduled;
        for e in events {
            if let Ok(next) = visit_transition(s, e) {
                prop_assert!(!s.is_closed(), "{s:?} moved on");
                prop_assert!(next != VisitStatus::Completed || e == VisitEvent::Complete);
                s = next;
            }
        }
    }

    /// Closed jobs stay closed, and only Complete completes one.
    #[test]
    fn job_transitions(events in prop::collection::vec(arb_job_event(), 0..30)) {
        let mut s = JobStatus::Unscheduled;
        for e in events {
            if let Ok(next) = job_transition(s, e) {
                prop_assert!(!s.is_closed(), "{s:?} moved on");
                prop_assert!(next != JobStatus::Completed || e == JobEvent::Complete);
                s = next;
            }
        }
    }

    /// Any wall-clock window of a day in 2026 (DST days included) in a zone with daylight
    /// saving: its real length is its wall-clock length, give or take the one hour a change
    /// adds or removes, it starts where the wall clock says (or just after a gap), and the
    /// rules accept it exactly when it is 1 minute to 12 hours long in real time.
    #[test]
    fn windows_in_any_zone_and_season(
        day in 0i64..365,
        start_min in 0i64..(24 * 60),
        len_min in 1i64..(12 * 60),
        zone in prop_oneof![Just("America/Chicago"), Just("America/Edmonton"), Just("America/New_York"), Just("Europe/London")],
    ) {
        let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
        let d = date(2026, 1, 1).checked_add(jiff::Span::new().days(day)).unwrap_or(date(2026, 1, 1));
        let start = Time::midnight().checked_add(SignedDuration::from_mins(start_min)).unwrap_or(Time::midnight());
        let end = Time::midnight().checked_add(SignedDuration::from_mins((start_min + len_min) % (24 * 60))).unwrap_or(Time::midnight());
        let w = Window::local(d, start, end, &zone).unwrap_or_else(|_| unreachable!());
        let real = w.length().as_mins();
        prop_assert!((real - len_min).abs() <= 60, "{d} {start}-{end}: {real} min for {len_min}");
        let (shown, _) = w.in_zone(&zone);
        prop_assert!(shown.date() == d, "starts on its own day");
        let offset = shown.time().duration_since(start).as_mins();
        prop_assert!(offset == 0 || offset == 60, "{d} {start} shown as {}", shown.time());
        // A window that begins in a spring-forward gap may end before it begins: refused.
        prop_assert_eq!(w.check("window", None).is_ok(), real > 0 && real <= 12 * 60);
    }
}
