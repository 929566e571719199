//! The demo's jobs and visits, made through the same use cases as the admin page, the
//! technician's phone and the portal, at the times they would have happened: jobs in every
//! state, visits in the past, today (one on the way) and tomorrow, equipment with warranties,
//! a commercial account's agreement whose included visits are jobs, a request to move a visit
//! waiting for the office.
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp, ToSpan};
use portal_app::jobs::{self as work, Ask, Finish, JobAction, JobActionKind, JobDraft, LocalWindow, VisitDraft};
use portal_app::{Act, Error};
use portal_domain::audit::Actor;
use portal_domain::ids::{JobId, VisitId};
use portal_domain::job::assets::{AgreementTerms, EquipmentDetails};
use portal_store::repo::jobs::{self, JobBundle};

use super::{Seeder, id};

impl Seeder<'_> {
    /// The office's act at an instant.
    fn office_at(&self, at: Timestamp) -> Act<'_> {
        self.office(0).at(at)
    }

    /// A staff member's act at an instant (a technician on their phone).
    fn staff_at(&self, staff: &str, name: &str, at: Timestamp) -> Act<'_> {
        self.office(0).at(at).by(Actor::Staff { id: staff.into(), name: name.into() })
    }

    /// The instant `days` from today at `hour:minute` on the contractor's wall clock.
    fn wall(&self, days: i64, hour: i8, minute: i8) -> Timestamp {
        let day = self.today().checked_add(days.days()).unwrap_or(self.today());
        portal_domain::job::instant(day, Time::constant(hour, minute, 0, 0), &self.tenant.zone()).unwrap_or(self.now)
    }

    fn before(&self, t: Timestamp, minutes: i64) -> Timestamp {
        t.checked_sub(SignedDuration::from_mins(minutes)).unwrap_or(t)
    }

    async fn job(&self, account: &str, job: &str) -> Result<JobBundle, Error> {
        jobs::load(self.table, &self.tenant.id, &id(account), &id(job)).await?.ok_or(Error::NotFound("job"))
    }

    /// A visit booked at `booked` for `day` (days from today) from `start` to `end` o'clock.
    #[allow(clippy::too_many_arguments)]
    async fn visit(
        &self,
        account: &str,
        job: &str,
        visit: &str,
        booked: Timestamp,
        day: i64,
        (start, end): (Time, Time),
        technicians: &[&str],
        notes: &str,
    ) -> Result<(), Error> {
        let b = self.job(account, job).await?;
        let date: Date = self.today().checked_add(day.days()).unwrap_or(self.today());
        let draft = VisitDraft {
            window: LocalWindow { date, start, end },
            technicians: technicians.iter().map(|s| id(s)).collect(),
            customer_notes: notes.into(),
            internal_notes: String::new(),
        };
        work::schedule(&self.office_at(booked), &b, id::<VisitId>(visit), draft).await?;
        Ok(())
    }

    /// A job the office set up (a service call), `days` ago.
    async fn service_call(&self, account: &str, job: &str, property: &str, title: &str, scope: &str, days: i64) -> Result<(), Error> {
        let draft = JobDraft { property: Some(id(property)), title: title.into(), scope: scope.into() };
        work::create(&self.office(days), &self.tenant, &id(account), id::<JobId>(job), draft, None).await?;
        Ok(())
    }

    /// The technician on `visit` sets off at `departed` (arriving in `eta` minutes), arrives
    /// and, with `finish`, completes it.
    #[allow(clippy::too_many_arguments)]
    async fn carried_out(
        &self,
        tech: (&str, &str),
        account: &str,
        job: &str,
        visit: &str,
        departed: Timestamp,
        eta: i64,
        finish: Option<(Timestamp, Finish)>,
    ) -> Result<(), Error> {
        let v: VisitId = id(visit);
        let b = self.job(account, job).await?;
        work::depart(&self.staff_at(tech.0, tech.1, departed), &b, &v, eta).await?;
        let Some((done, f)) = finish else { return Ok(()) };
        let arrived = departed.checked_add(SignedDuration::from_mins(eta)).unwrap_or(departed);
        let b = self.job(account, job).await?;
        work::arrive(&self.staff_at(tech.0, tech.1, arrived), &b, &v).await?;
        let b = self.job(account, job).await?;
        work::finish(&self.staff_at(tech.0, tech.1, done), &b, &v, f).await?;
        Ok(())
    }
}

fn hours(start: i8, end: i8) -> (Time, Time) {
    (Time::constant(start, 0, 0, 0), Time::constant(end, 0, 0, 0))
}

/// Bright Spark's work, after its estimates and invoices.
#[allow(clippy::too_many_lines)]
pub(super) async fn brightspark(s: &Seeder<'_>) -> Result<(), Error> {
    const CASEY: (&str, &str) = ("stf_casey", "Casey Nguyen");
    let today = s.today();
    // Casey is the face customers see on visits.
    portal_app::contractors::save_profile(
        &s.office(30),
        &id("stf_casey"),
        Some("Casey".into()),
        Some(Some("/brand/technician-casey.svg".into())),
    )
    .await?;

    // The kitchen (approved three days ago, so a job then): done two days ago, with the new
    // lighting driver on record.
    let approved = s.days_ago(3);
    s.visit("acc_whitfield", "job_kitchen", "vis_kitchen", approved + SignedDuration::from_hours(2), -2, hours(8, 12), &[CASEY.0], "")
        .await?;
    let finished = Finish {
        notes: "Installed six LED downlights and the under-cabinet strip on a new dimmer; tested every circuit.".into(),
        equipment: vec![EquipmentDetails {
            kind: "Under-cabinet LED driver".into(),
            make_model: "Lutron Hi-lume 96 W".into(),
            serial: "LH96-20931".into(),
            installed_on: None,
            warranty_until: today.checked_add(5.years()).ok(),
            notes: "Behind the pantry access panel.".into(),
        }],
        complete_job: true,
    };
    let day_before = s.wall(-2, 8, 5);
    s.carried_out(CASEY, "acc_whitfield", "job_kitchen", "vis_kitchen", day_before, 20, Some((s.wall(-2, 11, 40), finished))).await?;

    // The bathroom fan: booked for today, confirmed by Dana, and Casey is on the way now.
    let now = s.now;
    let start_hour = now.to_zoned(s.tenant.zone()).hour();
    let (from, to) = (start_hour.saturating_sub(1).clamp(0, 20), (start_hour + 2).clamp(3, 23));
    s.visit(
        "acc_whitfield",
        "job_bathfan",
        "vis_bathfan",
        s.days_ago(5),
        0,
        hours(from, to),
        &[CASEY.0],
        "Please clear the hallway closet.",
    )
    .await?;
    let b = s.job("acc_whitfield", "job_bathfan").await?;
    work::confirm(&s.contact("acc_whitfield", "con_dana", s.days_ago(4)).await?, &b, &id("vis_bathfan")).await?;
    s.carried_out(CASEY, "acc_whitfield", "job_bathfan", "vis_bathfan", s.before(now, 10), 25, None).await?;

    // Dana: garage outlets booked for next week, not yet confirmed.
    s.service_call(
        "acc_whitfield",
        "job_garage_outlets",
        "prp_maple",
        "Garage GFCI outlets",
        "Replace the two garage outlets with GFCI outlets and add one by the workbench.",
        1,
    )
    .await?;
    let days = (next_weekday(today, 5) - today).get_days().into();
    s.visit("acc_whitfield", "job_garage_outlets", "vis_garage_outlets", s.days_ago(1), days, hours(10, 12), &[CASEY.0], "").await?;

    // Sam Ortiz: a service call booked for tomorrow afternoon (he has a phone only: texts).
    s.service_call(
        "acc_ortiz",
        "job_flicker",
        "prp_ortiz",
        "Flickering living-room lights",
        "Find why the living-room lights flicker when the dryer runs; check the neutral at the panel.",
        2,
    )
    .await?;
    s.visit("acc_ortiz", "job_flicker", "vis_flicker", s.days_ago(1), 1, hours(13, 15), &[CASEY.0], "").await?;
    // ... and one he called off.
    s.service_call(
        "acc_ortiz",
        "job_porchlight",
        "prp_ortiz",
        "Porch light and outlet",
        "Add an outdoor GFCI outlet by the porch light.",
        20,
    )
    .await?;
    let b = s.job("acc_ortiz", "job_porchlight").await?;
    work::act_on(&s.office(12), &b, JobAction { action: JobActionKind::Cancel, reason: "Sam decided to wait until spring.".into() })
        .await?;

    // Harbor View: an annual safety plan at Lakeside, its first visit done in the spring (the
    // panel replaced then is on record with its warranty), the second waiting to be booked.
    let started = s.days_ago(275);
    let terms = AgreementTerms {
        property: Some(id("prp_lakeside")),
        name: "Annual electrical safety plan".into(),
        covers: "Two inspections a year: panels, breakers, GFCI and AFCI tests, emergency lighting and exit signs; 10% off repairs.".into(),
        visits_per_year: 2,
        starts_on: started.to_zoned(s.tenant.zone()).date(),
        renews_on: None,
    };
    work::create_agreement(&s.office_at(started), &s.tenant, &id("acc_harbor"), id("agr_lakeside"), terms).await?;
    let booked = s.days_ago(270);
    s.visit(
        "acc_harbor",
        "job_lakeside_1",
        "vis_lakeside_spring",
        booked,
        -265,
        hours(8, 12),
        &[CASEY.0],
        "Meet the manager at the leasing office.",
    )
    .await?;
    let spring = Finish {
        notes: "Inspection done. The main panel's bus was scorched: replaced the panel. All GFCI and emergency lights pass.".into(),
        equipment: vec![EquipmentDetails {
            kind: "Main panel".into(),
            make_model: "Square D QO 200 A".into(),
            serial: "QO-200-88412".into(),
            installed_on: None,
            warranty_until: s.days_ago(265).to_zoned(s.tenant.zone()).date().checked_add(10.years()).ok(),
            notes: "Building B electrical room.".into(),
        }],
        complete_job: true,
    };
    s.carried_out(
        CASEY,
        "acc_harbor",
        "job_lakeside_1",
        "vis_lakeside_spring",
        s.wall(-265, 7, 45),
        15,
        Some((s.wall(-265, 11, 30), spring)),
    )
    .await?;

    // Oak Ridge: laundry-room circuits, first visit yesterday, second tomorrow (Alex asked to
    // move it); and a garage-lighting repair on hold for parts.
    s.service_call(
        "acc_harbor",
        "job_laundry",
        "prp_oakridge",
        "Laundry room circuits",
        "Replace the two overloaded laundry circuits with 20 A circuits and new receptacles.",
        6,
    )
    .await?;
    s.visit("acc_harbor", "job_laundry", "vis_laundry_1", s.days_ago(5), -1, hours(9, 13), &[CASEY.0], "").await?;
    s.visit("acc_harbor", "job_laundry", "vis_laundry_2", s.days_ago(5), 1, hours(9, 12), &[CASEY.0], "").await?;
    let first = Finish { notes: "Ran the new home runs; receptacles go in tomorrow.".into(), ..Finish::default() };
    s.carried_out(CASEY, "acc_harbor", "job_laundry", "vis_laundry_1", s.wall(-1, 8, 40), 20, Some((s.wall(-1, 12, 45), first))).await?;
    let b = s.job("acc_harbor", "job_laundry").await?;
    let alex = s.contact("acc_harbor", "con_alex", s.days_ago(0).checked_sub(SignedDuration::from_hours(3)).unwrap_or(s.now)).await?;
    let ask = Ask {
        id: id("rsc_laundry"),
        by: id("con_alex"),
        cancel: false,
        preferred: vec![
            LocalWindow { date: next_weekday(today, 2), start: Time::constant(9, 0, 0, 0), end: Time::constant(12, 0, 0, 0) },
            LocalWindow { date: next_weekday(today, 3), start: Time::constant(13, 0, 0, 0), end: Time::constant(16, 0, 0, 0) },
        ],
        note: "The laundry room is booked for a tenant move tomorrow.".into(),
    };
    work::ask(&alex, &s.tenant, &b, &id("vis_laundry_2"), ask).await?;
    s.service_call(
        "acc_harbor",
        "job_garage",
        "prp_oakridge",
        "Garage lighting repair",
        "Replace the failed LED fixtures on level 2 of the parking garage.",
        9,
    )
    .await?;
    let b = s.job("acc_harbor", "job_garage").await?;
    work::act_on(
        &s.office(8),
        &b,
        JobAction { action: JobActionKind::Hold, reason: "Waiting for the replacement fixtures; expected next week.".into() },
    )
    .await?;
    Ok(())
}

/// A weekday `n` working days after `day` (Monday to Friday).
/// The `n`th working day (Monday to Friday) after `day`.
pub(super) fn next_weekday(day: Date, n: i64) -> Date {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().unwrap_or(d);
        if !matches!(d.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday) {
            left -= 1;
        }
    }
    d
}

/// Northside's: the approved water-heater job, booked for next week.
pub(super) async fn northside(s: &Seeder<'_>) -> Result<(), Error> {
    let date = next_weekday(s.today(), 4);
    let days = (date - s.today()).get_days().into();
    s.visit("acc_lindqvist", "job_waterheater", "vis_waterheater", s.days_ago(1), days, hours(8, 11), &["stf_quinn"], "").await?;
    Ok(())
}
