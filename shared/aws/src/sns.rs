//! The Sms port on SNS (direct publish to a phone number).
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use portal_domain::party::Phone;
use portal_domain::ports::{PortError, Sms};

#[derive(Debug)]
pub struct SnsSms {
    client: crate::lazy::LazyClient<Client>,
}

impl SnsSms {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self { client: crate::lazy::LazyClient::new(config, Client::new) }
    }
}

#[async_trait::async_trait]
impl Sms for SnsSms {
    async fn send(&self, to: &Phone, text: &str) -> Result<(), PortError> {
        let transactional = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| PortError::new("sns message", e))?;
        self.client
            .get()
            .publish()
            .phone_number(to.as_str())
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", transactional)
            .send()
            .await
            .map_err(|e| PortError::new("sns publish", e))?;
        Ok(())
    }
}
