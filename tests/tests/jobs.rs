//! The jobs repository on the embedded store: one job with its visits in one Query, the
//! office's lists by status, a day's schedule and a technician's, each one Query of an index;
//! a visit moved keeps its technicians' schedule entries with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use jiff::tz::TimeZone;
use portal_domain::ids::{AccountId, StaffId, TenantId};
use portal_domain::job::{Crew, Job, JobStatus, Visit, Window};
use portal_store::Table;
use portal_store::repo::jobs;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn job(t: &TenantId, a: &AccountId, id: &str) -> Job {
    Job {
        id: id.parse().unwrap(),
        tenant: t.clone(),
        account: a.clone(),
        property: None,
        number: "J-1001".into(),
        title: "Main panel upgrade".into(),
        scope: String::new(),
        lines: vec![],
        estimates: vec![],
        site: None,
        agreement: None,
        history: vec![],
        status: JobStatus::Scheduled,
        hold_reason: None,
        created_at: ts("2026-07-01T12:00:00Z"),
        completed_at: None,
        time_zone: "America/Chicago".into(),
        rev: 1,
    }
}

fn visit(id: &str, job: &Job, start: &str, end: &str, techs: &[&StaffId]) -> Visit {
    let window = Window { start: ts(start), end: ts(end) };
    Visit::new(id.parse().unwrap(), job.id.clone(), window, techs.iter().map(|s| crew(s)).collect(), ts("2026-07-01T12:00:00Z"))
}

fn crew(s: &StaffId) -> Crew {
    Crew { id: s.clone(), name: s.to_string(), photo: None }
}

#[tokio::test]
async fn jobs_and_visits_are_one_query_and_schedules_follow_their_visits() {
    let store = portal_embedded::Store::in_memory().unwrap();
    let table = store.table();
    let (t, a): (TenantId, AccountId) = ("ten_a".parse().unwrap(), "acc_a".parse().unwrap());
    let other: TenantId = "ten_b".parse().unwrap();
    let zone = TimeZone::get("America/Chicago").unwrap();
    let (sam, kim): (StaffId, StaffId) = ("stf_sam".parse().unwrap(), "stf_kim".parse().unwrap());
    let j = job(&t, &a, "job_1");
    // 8:00-10:00 CDT on 14 July, and 19:00-21:00 CDT on 15 July (02:00 UTC the 16th).
    let first = visit("vis_1", &j, "2026-07-14T13:00:00Z", "2026-07-14T15:00:00Z", &[&sam]);
    let evening = visit("vis_2", &j, "2026-07-16T00:00:00Z", "2026-07-16T02:00:00Z", &[&sam, &kim]);
    let mut writes = vec![jobs::create_job(&j).unwrap()];
    writes.extend(jobs::create_visit(&j, &first, &zone).unwrap());
    writes.extend(jobs::create_visit(&j, &evening, &zone).unwrap());
    table.transact(writes).await.unwrap();
    // A job of another tenant with the same ids.
    let stranger = job(&other, &a, "job_1");
    table.transact(vec![jobs::create_job(&stranger).unwrap()]).await.unwrap();

    let b = jobs::load(&table, &t, &a, &j.id).await.unwrap().unwrap();
    assert_eq!((b.job.number.as_str(), b.visits.len()), ("J-1001", 2));
    assert_eq!(b.visits[0].id, first.id, "by window start");
    assert_eq!(jobs::list(&table, &t, &a).await.unwrap().len(), 1);
    let (scheduled, _) = jobs::by_status(&table, &t, JobStatus::Scheduled, 10, None).await.unwrap();
    assert_eq!(scheduled.len(), 1, "the other tenant's job is not listed");

    // The evening visit is on the 15th in Chicago, though it starts on the 16th in UTC.
    let day = |d: &str| d.parse::<jiff::civil::Date>().unwrap();
    let evening_day: Vec<_> = jobs::on_day(&table, &t, day("2026-07-15"))
        .await
        .unwrap()
        .into_iter()
        .map(|(acc, v)| {
            assert_eq!(acc, a);
            v.id
        })
        .collect();
    assert_eq!(evening_day.len(), 1);
    assert_eq!(evening_day[0], evening.id);
    assert!(jobs::on_day(&table, &other, day("2026-07-15")).await.unwrap().is_empty());
    let week = |s: StaffId| {
        let (table, t) = (&table, &t);
        async move { jobs::for_technician(table, t, &s, ts("2026-07-13T00:00:00Z"), ts("2026-07-20T00:00:00Z")).await }
    };
    assert_eq!(week(sam.clone()).await.unwrap().len(), 2);
    assert_eq!(week(kim.clone()).await.unwrap().len(), 1);

    // Moved a week later with Kim only: Sam's entry goes, Kim's moves.
    let mut moved =
        evening.moved(Window { start: ts("2026-07-23T00:00:00Z"), end: ts("2026-07-23T02:00:00Z") }, ts("2026-07-10T00:00:00Z")).unwrap();
    moved.technicians = vec![crew(&kim)];
    table.transact(jobs::save_visit(&j, &evening, &moved, &zone).unwrap()).await.unwrap();
    assert_eq!(week(sam.clone()).await.unwrap().len(), 1, "only the first visit is left for Sam");
    assert!(week(kim.clone()).await.unwrap().is_empty(), "Kim's visit moved out of the week");
    let next = jobs::for_technician(&table, &t, &kim, ts("2026-07-20T00:00:00Z"), ts("2026-07-27T00:00:00Z")).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(jobs::on_day(&table, &t, day("2026-07-22")).await.unwrap().len(), 1, "indexed under its new day");
    assert!(jobs::on_day(&table, &t, day("2026-07-15")).await.unwrap().is_empty());
    // Saving again from the stale read fails and changes nothing.
    assert!(table.transact(jobs::save_visit(&j, &evening, &moved, &zone).unwrap()).await.is_err());
    let b = jobs::load(&table, &t, &a, &j.id).await.unwrap().unwrap();
    assert_eq!(b.visits.iter().find(|v| v.id == moved.id).map(|v| v.sequence), Some(1));
}
