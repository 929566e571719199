//! Starts moto's server (PyPI `moto[server]`) for tests that hold the AWS adapters to the same
//! contracts as the embedded ones. The server runs `infra/scripts/moto_server.py` on a free
//! loopback port and stops when this process ends (its stdin closes).
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// A running moto server.
pub struct Moto {
    pub endpoint: String,
    _child: Child,
}

static MOTO: OnceLock<Moto> = OnceLock::new();

impl Moto {
    /// The process-wide server, started on first use. Panics with the reason if moto cannot
    /// start: the suite must not silently skip the AWS adapters.
    pub fn shared() -> &'static Moto {
        MOTO.get_or_init(|| {
            if let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") {
                let child = Command::new("true").spawn().expect("spawn true");
                return Moto { endpoint, _child: child };
            }
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/scripts/moto_server.py");
            let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
                .arg(script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 must be installed to run moto (make setup installs it)");
            let mut line = String::new();
            let stdout = child.stdout.take().expect("moto stdout");
            BufReader::new(stdout).read_line(&mut line).expect("read moto port");
            let port: u16 = line
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("moto did not start (is `moto[server]` installed? run `make setup`): got {line:?}"));
            Moto { endpoint: format!("http://127.0.0.1:{port}"), _child: child }
        })
    }

    /// SDK configuration pointed at this server with test credentials.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(aws_sdk_dynamodb::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            )))
            .build()
    }
}
