//! The template is the route table: the local server, the functions and the OpenAPI document
//! must all agree with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use portal_local::routes::{TEMPLATE, from_template};

fn function_routes(name: &str) -> &'static [&'static str] {
    match name {
        "auth" => auth::ROUTES,
        "view-estimate" => view_estimate::ROUTES,
        "approve-estimate" => approve_estimate::ROUTES,
        "view-invoice" => view_invoice::ROUTES,
        "pay" => pay::ROUTES,
        "admin-api" => admin_api::ROUTES,
        "media" => media::ROUTES,
        "stripe-webhook" => stripe_webhook::ROUTES,
        other => panic!("template.yaml names function {other}, which the local server cannot run"),
    }
}

#[test]
fn every_template_route_is_served_by_the_function_the_template_names() {
    let routes = from_template(TEMPLATE).unwrap();
    for function in portal_local::app::FUNCTIONS {
        let in_template: BTreeSet<String> = routes.iter().filter(|r| r.function == *function).map(|r| r.key()).collect();
        let in_code: BTreeSet<String> = function_routes(function).iter().map(|s| s.to_string()).collect();
        assert_eq!(in_template, in_code, "{function}: template.yaml and {function}::ROUTES differ");
    }
    let names: BTreeSet<&str> = routes.iter().map(|r| r.function.as_str()).collect();
    let known: BTreeSet<&str> = portal_local::app::FUNCTIONS.iter().copied().collect();
    assert_eq!(names, known, "every function with routes in the template runs locally, and no other");
    let all: BTreeSet<String> = portal_local::routes::functions(TEMPLATE).unwrap().into_iter().collect();
    let local: BTreeSet<String> = portal_local::app::FUNCTIONS.iter().chain(portal_local::app::BACKGROUND).map(|s| s.to_string()).collect();
    assert_eq!(all, local, "every function in the template runs locally (background ones in the background loop)");
}

#[test]
fn no_two_routes_collide() {
    let routes = from_template(TEMPLATE).unwrap();
    let keys: BTreeSet<String> = routes.iter().map(|r| r.key()).collect();
    assert_eq!(keys.len(), routes.len());
}

#[test]
fn every_function_folder_is_in_the_template() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
    let folders: BTreeSet<String> =
        std::fs::read_dir(root).unwrap().filter_map(|e| Some(e.ok()?.file_name().to_str()?.to_string())).collect();
    let known: BTreeSet<String> = portal_local::app::FUNCTIONS.iter().chain(portal_local::app::BACKGROUND).map(|s| s.to_string()).collect();
    assert_eq!(folders, known);
}

#[test]
fn the_checked_in_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/openapi.json");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(checked_in == portal_local::openapi_json(), "infra/openapi.json is stale: run `make openapi` and commit it");
}

#[test]
fn the_openapi_document_describes_every_route() {
    let doc: serde_json::Value = serde_json::from_str(&portal_local::openapi_json()).unwrap();
    for r in from_template(TEMPLATE).unwrap() {
        let op = &doc["paths"][&r.path][r.method.to_ascii_lowercase()];
        assert!(op.is_object(), "{} is not in the OpenAPI document", r.key());
    }
}

/// Every operation declares the answers the shared request layer gives it (400, 413, 415 and
/// 422 with a JSON body, 401 with a bearer token, 404 with a path id) besides its own.
#[test]
fn every_operation_declares_the_answers_it_can_give() {
    let doc: serde_json::Value = serde_json::from_str(&portal_local::openapi_json()).unwrap();
    for r in from_template(TEMPLATE).unwrap() {
        let op = &doc["paths"][&r.path][r.method.to_ascii_lowercase()];
        let answers = &op["responses"];
        let has = |code: &str| answers[code].is_object();
        let mut wanted = Vec::new();
        if op["requestBody"].is_object() {
            wanted.extend(["400", "413"]);
            if !r.path.starts_with("/api/stripe/") {
                wanted.extend(["415", "422"]);
            }
        }
        if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
            wanted.push("401");
        }
        if r.path.contains('{') {
            wanted.push("404");
        }
        for code in wanted {
            assert!(has(code), "{} does not declare {code}", r.key());
        }
        assert!(answers.as_object().is_some_and(|a| a.keys().any(|k| k.starts_with('2'))), "{} declares no success", r.key());
    }
}
