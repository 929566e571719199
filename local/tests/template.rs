//! The template is the route table: the local server, the functions and the OpenAPI document
//! must all agree with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use portal_local::registry::FUNCTIONS;
use portal_local::routes::{TEMPLATE, from_template};

#[test]
fn every_template_route_is_served_by_the_function_the_template_names() {
    let routes = from_template(TEMPLATE).unwrap();
    for spec in FUNCTIONS {
        let in_template: BTreeSet<String> = routes.iter().filter(|r| r.function == spec.name).map(|r| r.key()).collect();
        let in_code: BTreeSet<String> = spec.routes().iter().map(|s| s.to_string()).collect();
        assert_eq!(in_template, in_code, "{}: template.yaml and its route table differ", spec.name);
    }
    let names: BTreeSet<&str> = routes.iter().map(|r| r.function.as_str()).collect();
    let known: BTreeSet<&str> = portal_local::registry::http_names().collect();
    assert_eq!(names, known, "every function with routes in the template is in the registry, and no other");
    let all: BTreeSet<String> = portal_local::routes::functions(TEMPLATE).unwrap().into_iter().collect();
    let registered: BTreeSet<String> = FUNCTIONS.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(all, registered, "every function in the template is in the registry");
}

/// The local server matches routes as API Gateway does: the template's routes build a router
/// (no two match the same paths) and each route reaches itself.
#[test]
fn every_route_reaches_its_function_locally() {
    let routes = from_template(TEMPLATE).unwrap();
    let router = portal_local::routes::Router::new(routes.clone()).unwrap();
    for r in &routes {
        let sample = r.path.split('/').map(|seg| if seg.starts_with('{') { "x_1" } else { seg }).collect::<Vec<_>>().join("/");
        let (hit, _) = router.find(&r.method, &sample).unwrap_or_else(|| panic!("{} is not reached", r.key()));
        assert_eq!(hit.key(), r.key(), "{sample} reaches {} instead", hit.key());
    }
}

/// A function's crate, its events and its registry line go together.
#[test]
fn every_function_has_its_events_folder() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    for spec in FUNCTIONS {
        let dir = root.join(spec.name);
        let events = std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).count()).unwrap_or(0);
        assert!(events > 0, "events/{} holds no example event", spec.name);
    }
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
    let known: BTreeSet<String> = FUNCTIONS.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(folders, known, "every folder of functions/ is in the registry");
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

/// Generated clients need one name per operation.
#[test]
fn every_operation_has_its_own_id() {
    let doc: serde_json::Value = serde_json::from_str(&portal_local::openapi_json()).unwrap();
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(seen.insert(id.to_string()), "{method} {path}: operationId {id} is taken");
        }
    }
}
