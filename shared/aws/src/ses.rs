//! The Mailer port on SES v2.
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Attachment, AttachmentContentDisposition, Body, Content, Destination, EmailContent, Message};
use portal_domain::ports::{Mail, Mailer, PortError};

#[derive(Debug)]
pub struct SesMailer {
    client: crate::lazy::LazyClient<Client>,
    /// Verified sender address of the deployment (`portal@contractor.example`).
    from_address: String,
}

impl SesMailer {
    pub fn new(config: &aws_config::SdkConfig, from_address: impl Into<String>) -> Self {
        Self { client: crate::lazy::LazyClient::new(config, Client::new), from_address: from_address.into() }
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
        let message = message.build();
        self.client
            .get()
            .send_email()
            .from_email_address(format!("\"{name}\" <{}>", self.from_address))
            .destination(Destination::builder().to_addresses(mail.to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| PortError::new("ses send_email", e))?;
        Ok(())
    }
}
