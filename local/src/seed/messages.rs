//! The demo's conversations, posted through the use case as they happened: a question to the
//! office answered, and one waiting (unread in the inbox), for each contractor.
use jiff::SignedDuration;
use portal_app::messages::{self, NewMessage, Poster};
use portal_app::{Act, Error};
use portal_domain::message::{About, Via};

use super::{Seeder, id};

async fn say(act: &Act<'_>, account: &str, about: &About, text: &str) -> Result<(), Error> {
    let staff = matches!(act.actor, portal_domain::audit::Actor::Staff { .. });
    let (poster, via) = if staff { (Poster::Staff, Via::Admin) } else { (Poster::Customer { properties: None }, Via::Portal) };
    let body = NewMessage { text: text.into(), attachments: Vec::new() };
    messages::post(act, &id(account), about, poster, &body, via).await?;
    Ok(())
}

fn hours_ago(s: &Seeder<'_>, hours: i64) -> jiff::Timestamp {
    s.now.checked_sub(SignedDuration::from_hours(hours)).unwrap_or(s.now)
}

pub(super) async fn brightspark(s: &Seeder<'_>) -> Result<(), Error> {
    let (account, dana) = ("acc_whitfield", "con_dana");
    let general = About::General;
    say(
        &s.contact(account, dana, hours_ago(s, 74)).await?,
        account,
        &general,
        "Hi! Do you also install EV chargers? We're getting an electric car in the spring.\n\nThe garage has one outlet near the door.",
    )
    .await?;
    say(
        &s.office(3).at(hours_ago(s, 70)),
        account,
        &general,
        "Yes, we do: a 48 A Level 2 charger is usually a half-day job. The new 200 A panel has room for it.\n\nAsk for an estimate here whenever you're ready, or see https://brightspark.example/ev for the models we install.",
    )
    .await?;
    let fan = About::Job(id("job_bathfan"));
    say(
        &s.contact(account, dana, hours_ago(s, 3)).await?,
        account,
        &fan,
        "Can the technician park in the driveway? The street is permit-only on weekdays.",
    )
    .await
}

pub(super) async fn northside(s: &Seeder<'_>) -> Result<(), Error> {
    let (account, erik) = super::northside::CUSTOMER;
    say(
        &s.contact(account, erik, hours_ago(s, 20)).await?,
        account,
        &About::General,
        "Is the installation of the new water heater under warranty too, or only the tank?",
    )
    .await
}
