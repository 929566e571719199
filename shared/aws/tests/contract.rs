//! The Table contract on DynamoDB, against moto's server started by the test setup.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use portal_aws::dynamo::{DynamoTable, create_table};
use portal_store::Table;
use portal_testkit::moto::Moto;

async fn table() -> Arc<dyn Table> {
    let moto = Moto::shared();
    let client = aws_sdk_dynamodb::Client::new(&moto.sdk_config());
    // One table per case keeps cases independent even though they share the server.
    let name = portal_testkit::ns();
    create_table(&client, &name).await.expect("create table on moto");
    Arc::new(DynamoTable::new(client, name))
}

portal_testkit::table_contract_tests!(table());
