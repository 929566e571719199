//! The Mailer and Sms ports on SES v2 and SNS, against moto's server: what is sent arrives
//! once, addressed as given; SES refuses an unverified sender and the adapter reports it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};

use portal_domain::party::{Email, Phone};
use portal_domain::ports::{Mail, Mailer, Sms};
use portal_testkit::moto::Moto;

/// moto's record of everything its services hold (a plain HTTP GET on loopback).
fn moto_data(moto: &Moto) -> serde_json::Value {
    let addr = moto.endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET /moto-api/data.json HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str(body).unwrap()
}

fn mail(to: &str, subject: &str) -> Mail {
    Mail {
        to: Email::try_from(to.to_string()).unwrap(),
        from_name: "Bright \"Spark\" <Electric>".into(),
        subject: subject.into(),
        text: "text body".into(),
        html: "<p>html body</p>".into(),
        attachments: vec![portal_domain::ports::Attachment {
            file_name: "visit.ics".into(),
            content_type: "text/calendar; method=PUBLISH".into(),
            content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        }],
        reply_to: Some("reply+0123456789abcdef0123456789abcdef01234567@in.brightspark.example".into()),
        references: vec!["<thread.acc_whitfield.general.ten_brightspark@in.brightspark.example>".into()],
    }
}

#[tokio::test]
async fn ses_delivers_from_a_verified_sender_and_reports_an_unverified_one() {
    let moto = Moto::shared();
    let config = moto.sdk_config();
    let sender = format!("{}@brightspark.example", portal_testkit::ns());
    aws_sdk_sesv2::Client::new(&config).create_email_identity().email_identity(&sender).send().await.unwrap();
    let subject = format!("Your sign-in link {}", portal_testkit::ns());
    portal_aws::mailer(&config, &sender).send(&mail("dana@example.com", &subject)).await.unwrap();
    let data = moto_data(moto);
    let sent: Vec<&serde_json::Value> = data["ses"]["Message"].as_array().unwrap().iter().filter(|m| m["subject"] == subject).collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["destinations"]["ToAddresses"][0], "dana@example.com");
    assert_eq!(sent[0]["source"], format!("\"Bright Spark Electric\" <{sender}>"), "quotes and brackets cannot break the header");

    let unverified = portal_aws::mailer(&config, "nobody@unverified.example").send(&mail("dana@example.com", "x")).await;
    assert!(unverified.is_err(), "SES refuses an unverified sender");
}

#[tokio::test]
async fn sns_delivers_a_text_to_the_number() {
    let moto = Moto::shared();
    let text = format!("Bright Spark Electric: your link {}", portal_testkit::ns());
    portal_aws::sms(&moto.sdk_config()).send(&Phone::try_from("+15125550188".to_string()).unwrap(), &text).await.unwrap();
    let data = moto_data(moto);
    let sent: Vec<&serde_json::Value> = data["sns"]["SMS"].as_array().unwrap().iter().filter(|m| m["message"] == text).collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["phone_number"], "+15125550188");
}
