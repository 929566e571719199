//! The local mailbox: every email and text sent is kept once, newest first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_domain::party::{Email, Phone};
use portal_domain::ports::{Mail, Mailer, Sms};
use portal_embedded::mailbox::Message;

#[tokio::test]
async fn emails_and_texts_are_kept_newest_first() {
    let store = portal_embedded::Store::in_memory().unwrap();
    let mailbox = store.mailbox();
    let mail = Mail {
        to: Email::try_from("dana@example.com".to_string()).unwrap(),
        from_name: "Bright Spark Electric".into(),
        subject: "Your sign-in link".into(),
        text: "t".into(),
        html: "h".into(),
        attachments: vec![],
        reply_to: Some("reply+0123456789abcdef0123456789abcdef01234567@in.localhost".into()),
        references: vec!["<thread.acc_whitfield.general.ten_brightspark@in.localhost>".into()],
    };
    Mailer::send(&mailbox, &mail).await.unwrap();
    Sms::send(&mailbox, &Phone::try_from("+15125550188".to_string()).unwrap(), "hello").await.unwrap();
    let list = mailbox.list(10).unwrap();
    assert_eq!(list.len(), 2);
    assert!(matches!(&list[0].message, Message::Text { text, .. } if text == "hello"));
    assert!(matches!(&list[1].message, Message::Email(m) if m == &mail));
    assert!(list[0].id > list[1].id);
    assert_eq!(mailbox.list(1).unwrap().len(), 1);
}
