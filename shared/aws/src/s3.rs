//! The Blobs port on S3: presigned PUTs for browser uploads, and plain object reads and
//! writes for the functions that check and re-encode them.
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use portal_domain::ports::{Blob, Blobs, Download, Fetched, PortError, SignedRequest, read_window, valid_blob_key};

#[derive(Debug)]
pub struct S3Blobs {
    client: crate::lazy::LazyClient<Client>,
    bucket: String,
}

/// The S3 client of a configuration. Path-style addresses when an endpoint is set (moto, a
/// local S3); virtual-hosted (`{bucket}.s3.{region}.amazonaws.com`) in AWS.
fn client(config: &aws_config::SdkConfig) -> Client {
    let path_style = config.endpoint_url().is_some();
    Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(path_style).build())
}

impl S3Blobs {
    pub fn new(config: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        Self { client: crate::lazy::LazyClient::new(config, client), bucket: bucket.into() }
    }

    /// One PutObject: the bytes with their type, Cache-Control and (a download's)
    /// Content-Disposition, all stored with the object and sent with every read of it.
    async fn put_object(
        &self,
        key: &str,
        blob: &Blob,
        content_type: &str,
        cache: &str,
        disposition: Option<String>,
    ) -> Result<(), PortError> {
        self.client
            .get()
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .content_type(content_type)
            .cache_control(cache)
            .set_content_disposition(disposition)
            .body(ByteStream::from(blob.bytes.clone()))
            .send()
            .await
            .map_err(|e| PortError::new("s3 put_object", e))?;
        Ok(())
    }

    fn key<'a>(&self, key: &'a str) -> Result<&'a str, PortError> {
        if valid_blob_key(key) { Ok(key) } else { Err(PortError::msg(format!("not a blob key: {key:?}"))) }
    }
}

#[async_trait::async_trait]
impl Blobs for S3Blobs {
    async fn upload_request(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, PortError> {
        let presigning = PresigningConfig::expires_in(expires_in).map_err(|e| PortError::new("s3 presigning", e))?;
        let length = i64::try_from(length).map_err(|e| PortError::new("s3 upload length", e))?;
        let signed = self
            .client
            .get()
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .content_type(content_type)
            .content_length(length)
            .presigned(presigning)
            .await
            .map_err(|e| PortError::new("s3 presign put_object", e))?;
        // The browser sets Content-Length itself; it is part of the signature all the same.
        let headers = signed
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-length"))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Ok(SignedRequest { method: signed.method().to_string(), url: signed.uri().to_string(), headers })
    }

    async fn get(&self, key: &str, max: u64) -> Result<Fetched, PortError> {
        // One more byte than allowed tells a too-large object without reading it all.
        let answer = self.client.get().get_object().bucket(&self.bucket).key(self.key(key)?).range(format!("bytes=0-{max}")).send().await;
        let out = match answer {
            Ok(out) => out,
            Err(e) => {
                let service = e.into_service_error();
                if service.is_no_such_key() {
                    return Ok(Fetched::Missing);
                }
                // An empty object has no byte 0 (416 InvalidRange).
                if aws_sdk_s3::error::ProvideErrorMetadata::code(&service) == Some("InvalidRange") {
                    return Ok(Fetched::Found(Blob { bytes: Vec::new(), content_type: String::new() }));
                }
                return Err(PortError::new("s3 get_object", service));
            }
        };
        let content_type = out.content_type().unwrap_or("application/octet-stream").to_string();
        let bytes = out.body.collect().await.map_err(|e| PortError::new("s3 get_object body", e))?.into_bytes();
        if bytes.len() as u64 > max {
            return Ok(Fetched::TooLarge);
        }
        Ok(Fetched::Found(Blob { bytes: bytes.to_vec(), content_type }))
    }

    async fn put(&self, key: &str, blob: &Blob, cache: &str) -> Result<(), PortError> {
        self.put_object(key, blob, &blob.content_type, cache, None).await
    }

    async fn put_download(&self, key: &str, blob: &Blob, cache: &str, download: &Download) -> Result<(), PortError> {
        self.put_object(key, blob, &download.content_type, cache, Some(download.disposition())).await
    }

    async fn read_url(&self, key: &str, now: portal_domain::Timestamp) -> Result<String, PortError> {
        // Signed as of the start of the hour: the same address all hour (same credentials),
        // so the browser's cache serves a photo seen in that hour.
        let (start, expires) = read_window(now);
        let start_time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(start).unwrap_or(0));
        let presigning = PresigningConfig::builder()
            .start_time(start_time)
            .expires_in(std::time::Duration::from_secs(u64::try_from(expires - start).unwrap_or(0)))
            .build()
            .map_err(|e| PortError::new("s3 presigning", e))?;
        let get = self.client.get().get_object().bucket(&self.bucket).key(self.key(key)?);
        let signed = get.presigned(presigning).await.map_err(|e| PortError::new("s3 presign get_object", e))?;
        Ok(signed.uri().to_string())
    }

    async fn copy(&self, from: &str, to: &str) -> Result<bool, PortError> {
        // Inside S3 (CopyObject): the bytes never pass through the function, and the object's
        // type, Cache-Control and Content-Disposition are copied with it. Our keys are only
        // letters, digits and `/ . _ -`, which a copy source takes as they are.
        let source = format!("{}/{}", self.bucket, self.key(from)?);
        let answer = self.client.get().copy_object().bucket(&self.bucket).copy_source(source).key(self.key(to)?).send().await;
        match answer {
            Ok(_) => Ok(true),
            Err(e) => {
                let service = e.into_service_error();
                if aws_sdk_s3::error::ProvideErrorMetadata::code(&service) == Some("NoSuchKey") {
                    return Ok(false);
                }
                Err(PortError::new("s3 copy_object", service))
            }
        }
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        self.client
            .get()
            .delete_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .send()
            .await
            .map_err(|e| PortError::new("s3 delete_object", e))?;
        Ok(())
    }
}

/// Creates a bucket (tests and tooling; the template makes the real one).
pub async fn create_bucket(config: &aws_config::SdkConfig, bucket: &str) -> Result<(), PortError> {
    client(config).create_bucket().bucket(bucket).send().await.map_err(|e| PortError::new("s3 create_bucket", e))?;
    Ok(())
}
