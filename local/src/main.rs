//! `make dev`: the whole portal on http://localhost:3000 with embedded backends and demo data.
//!
//! Environment: `PORT` (3000), `DATA_DIR` (`./.data`), `PUBLIC_URL` (`http://localhost:$PORT`),
//! `WEB_DIR` (`web/dist`), `TENANT` (the slug `config.json` names, `bright-spark`),
//! `ACH_SETTLE_SECONDS` (30: how long the payment simulator's bank debits take to settle). `portal-local openapi` prints the OpenAPI document; `portal-local
//! keygen` prints a new signing key for a deployment; `portal-local create-contractor --table
//! <TableName output> --portal-url <PortalUrl output> --slug … --name … --owner-name …
//! --owner-email … [--time-zone America/Chicago] [--currency USD]` adds a contractor and its
//! owner to a deployed stack and prints the owner's first sign-in link.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use portal_local::{App, Config, serve};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::args().nth(1).as_deref() {
        Some("openapi") => {
            print!("{}", portal_local::openapi_json());
            return Ok(());
        }
        Some("keygen") => {
            // A new signing key for a deployment: the key file goes into the SigningKey secret,
            // the JWK set into the AuthPublicKeys parameter.
            use portal_domain::ports::Ids;
            let ids = portal_domain::ports::RandomIds;
            let key = portal_http::token::KeyFile::generate(&ids.id("key"), ids.secret())?;
            println!("SigningKey secret value:\n{}\n", serde_json::to_string(&key)?);
            println!("AuthPublicKeys parameter:\n{}", key.public_jwks()?);
            return Ok(());
        }
        Some("create-contractor") => {
            use portal_local::provision::{NewContractor, create_contractor, flags};
            let args: Vec<String> = std::env::args().skip(2).collect();
            let f = flags(&args);
            let get = |k: &str, default: &str| f.get(k).cloned().unwrap_or_else(|| default.to_string());
            let Some(table_name) = f.get("table").cloned().or_else(|| std::env::var("TABLE_NAME").ok()) else {
                eprintln!("Give --table: the stack's TableName output (or set TABLE_NAME).");
                std::process::exit(2);
            };
            let c = NewContractor {
                slug: get("slug", ""),
                name: get("name", ""),
                owner_name: get("owner-name", ""),
                owner_email: get("owner-email", ""),
                portal_url: get("portal-url", ""),
                time_zone: get("time-zone", "America/Chicago"),
                currency: get("currency", "USD"),
            };
            let table = portal_aws::table(&portal_aws::cli_config().await, table_name);
            match create_contractor(&table, &portal_domain::ports::RandomIds, jiff::Timestamp::now(), &c).await {
                Ok(made) => {
                    println!("Created {} ({}) with its owner {} ({}).", c.name, made.tenant, c.owner_name, made.owner);
                    println!("The owner's first sign-in link (works once, for 72 hours):\n{}", made.link);
                    println!("Publish the portal with config.json {{\"tenant\": \"{}\"}}.", c.slug);
                    return Ok(());
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
        }
        _ => {}
    }
    portal_http::init_tracing();
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let data_dir = PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "./.data".into()));
    let public_url = std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://localhost:{port}"));
    let web_dir = PathBuf::from(std::env::var("WEB_DIR").unwrap_or_else(|_| "web/dist".into()));
    let tenant = std::env::var("TENANT").unwrap_or_else(|_| "bright-spark".into());
    let ach_settle_seconds = std::env::var("ACH_SETTLE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let config = Config {
        data_dir: Some(data_dir.clone()),
        public_url: public_url.clone(),
        web_dir: Some(web_dir),
        seed: true,
        tenant,
        ach_settle_seconds,
    };
    let app = App::new(config).await?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("Switchboard is running at {public_url}  (data in {})", data_dir.display());
    println!("  mailbox:  {public_url}/dev/mailbox");
    println!("  payments: the payment simulator (no money moves; bank debits settle after {ach_settle_seconds} s)");
    println!("  API:      {public_url}/api/openapi.json");
    if !std::path::Path::new(&std::env::var("WEB_DIR").unwrap_or_else(|_| "web/dist".into())).join("index.html").is_file() {
        println!("  (the web portal is not built: `make web`, or `make dev` which builds it)");
    }
    if let Some(demo) = &app.demo {
        println!("Demo sign-in links (each works once, for 10 minutes; request more from the sign-in page):");
        println!("  customer {}: {}", demo.customer_email, demo.customer_link);
        println!("  staff    {}: {}", demo.staff_email, demo.staff_link);
        println!("           (opens the admin page at /admin)");
        println!("  estimate link (as emailed, 14 days): {}", demo.estimate_link);
        println!("  second contractor, Northside Plumbing & Heating ({}): {}", demo.second_staff_email, demo.second_staff_link);
    }
    let app = Arc::new(app);
    tokio::select! {
        () = serve(listener, app) => {}
        _ = tokio::signal::ctrl_c() => println!("stopping"),
    }
    Ok(())
}
