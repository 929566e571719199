//! The Mailer port on SES v2.
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Attachment, AttachmentContentDisposition, Body, Content, Destination, EmailContent, Message, MessageHeader};
use portal_domain::ports::{Mail, Mailer, PortError};

#[derive(Debug)]
pub struct SesMailer {
    client: crate::lazy::LazyClient<Client>,
    /// Verified sender address of the deployment (`portal@contractor.example`).
    from_address: String,
    /// The domain SES receives replies on (the template's `InboundDomain`), if any.
    reply_domain: Option<String>,
}

impl SesMailer {
    pub fn new(config: &aws_config::SdkConfig, from_address: impl Into<String>) -> Self {
        Self { client: crate::lazy::LazyClient::new(config, Client::new), from_address: from_address.into(), reply_domain: None }
    }

    /// Replies are received on `domain` (none when empty).
    pub fn with_reply_domain(mut self, domain: Option<String>) -> Self {
        self.reply_domain = domain.filter(|d| !d.trim().is_empty());
        self
    }
}

fn content(s: &str) -> Result<Content, PortError> {
    Content::builder().data(s).charset("UTF-8").build().map_err(|e| PortError::new("ses message", e))
}

#[async_trait::async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &Mail) -> Result<(), PortError> {
        // The display name is the contractor's; quotes and angle brackets are stripped so it
        // cannot break out of the header.
        let name: String = mail.from_name.chars().filter(|c| !matches!(c, '"' | '<' | '>' | '\r' | '\n')).collect();
        let mut message = Message::builder()
            .subject(content(&mail.subject)?)
            .body(Body::builder().text(content(&mail.text)?).html(content(&mail.html)?).build());
        for a in &mail.attachments {
            let attachment = Attachment::builder()
                .file_name(&a.file_name)
                .content_type(&a.content_type)
                .content_disposition(AttachmentContentDisposition::Attachment)
                .raw_content(aws_sdk_sesv2::primitives::Blob::new(a.content.as_bytes()))
                .build()
                .map_err(|e| PortError::new("ses attachment", e))?;
            message = message.attachments(attachment);
        }
        if !mail.references.is_empty() {
            let references = MessageHeader::builder()
                .name("References")
                .value(mail.references.join(" "))
                .build()
                .map_err(|e| PortError::new("ses header", e))?;
            message = message.headers(references);
        }
        let message = message.build();
        let mut send = self
            .client
            .get()
            .send_email()
            .from_email_address(format!("\"{name}\" <{}>", self.from_address))
            .destination(Destination::builder().to_addresses(mail.to.as_str()).build())
            .content(EmailContent::builder().simple(message).build());
        if let Some(reply_to) = &mail.reply_to {
            send = send.reply_to_addresses(reply_to);
        }
        send.send().await.map_err(|e| PortError::new("ses send_email", e))?;
        Ok(())
    }

    fn reply_domain(&self) -> Option<&str> {
        self.reply_domain.as_deref()
    }
}
