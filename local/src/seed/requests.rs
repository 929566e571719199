//! The demo's work requests, asked through the same use case as the portal: Dana's porch
//! light (new, with two windows that suit her) at Bright Spark; Erik's slow drain at
//! Northside (the second contractor, for the isolation tests).
use jiff::civil::Time;
use portal_app::Error;
use portal_app::jobs::LocalWindow;
use portal_app::requests::{self, Asker, NewRequest};
use portal_domain::request::Reach;

use super::work::next_weekday;
use super::{Seeder, id};

fn hours_ago(s: &Seeder<'_>, hours: i64) -> jiff::Timestamp {
    s.now.checked_sub(jiff::SignedDuration::from_hours(hours)).unwrap_or(s.now)
}

#[allow(clippy::too_many_arguments)]
async fn ask(
    s: &Seeder<'_>,
    account: &str,
    contact: &str,
    name: &str,
    request: &str,
    property: &str,
    category: &str,
    description: &str,
    preferred: Vec<LocalWindow>,
) -> Result<(), Error> {
    let act = s.contact(account, contact, hours_ago(s, 5)).await?;
    let me = id(contact);
    let asker = Asker { contact: &me, name, properties: None };
    let body = NewRequest {
        category: category.into(),
        description: description.into(),
        property: Some(id(property)),
        address: None,
        preferred,
        urgent: false,
        reach: Reach::Email,
        phone: None,
        job: None,
        equipment: None,
        key: None,
    };
    requests::submit(&act, &id(account), &asker, &body, id(request)).await?;
    Ok(())
}

pub(super) async fn brightspark(s: &Seeder<'_>) -> Result<(), Error> {
    let t = |h| Time::constant(h, 0, 0, 0);
    ask(
        s,
        "acc_whitfield",
        "con_dana",
        "Dana Whitfield",
        "req_porchlight",
        "prp_maple",
        "Lighting",
        "The porch light flickers and its switch plate feels warm. Could someone look at it?",
        vec![
            LocalWindow { date: next_weekday(s.today(), 2), start: t(8), end: t(12) },
            LocalWindow { date: next_weekday(s.today(), 3), start: t(13), end: t(17) },
        ],
    )
    .await
}

pub(super) async fn northside(s: &Seeder<'_>) -> Result<(), Error> {
    let (account, erik) = super::northside::CUSTOMER;
    ask(s, account, erik, "Erik Lindqvist", "req_slowdrain", "prp_birch", "Drain", "The basement floor drain is slow after rain.", vec![])
        .await
}
