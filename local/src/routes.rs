//! The route table, read from `template.yaml`: the one place routes are declared. Each
//! function's `HttpApi` events become `(function, METHOD, /path/{param})`.
use std::collections::HashMap;

use serde_norway::Value;

/// The template, compiled in so the binary runs from anywhere.
pub const TEMPLATE: &str = include_str!("../../template.yaml");

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// The function's binary name (`BuildProperties.Binary`), e.g. `approve-estimate`.
    pub function: String,
    pub method: String,
    pub path: String,
}

impl Route {
    /// `METHOD /path`: API Gateway's route key.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The routes of the template, matched as API Gateway matches them: the most specific route
/// wins (a literal segment over a `{param}`, whatever order the template lists them in), and
/// a parameter is one non-empty segment. `matchit` does the matching; one router per method.
pub struct Router {
    routes: Vec<Route>,
    by_method: HashMap<String, matchit::Router<usize>>,
}

impl Router {
    pub fn new(routes: Vec<Route>) -> Result<Self, String> {
        let mut by_method: HashMap<String, matchit::Router<usize>> = HashMap::new();
        for (i, r) in routes.iter().enumerate() {
            by_method.entry(r.method.clone()).or_default().insert(&r.path, i).map_err(|e| format!("route {}: {e}", r.key()))?;
        }
        Ok(Self { routes, by_method })
    }

    /// Every route, in the template's order (sorted).
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The route `method path` reaches, with its path parameters.
    pub fn find(&self, method: &str, path: &str) -> Option<(&Route, HashMap<String, String>)> {
        let router = self.by_method.get(&method.to_ascii_uppercase())?;
        // API Gateway ignores one trailing slash; an empty segment names nothing.
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        let found = router.at(path).ok()?;
        let params: HashMap<String, String> = found.params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if params.values().any(String::is_empty) {
            return None;
        }
        self.routes.get(*found.value).map(|r| (r, params))
    }
}

/// Every `HttpApi` route of every function in the template.
/// Every function the template declares (its binary names), whatever triggers it.
pub fn functions(template: &str) -> Result<Vec<String>, String> {
    let doc: Value = serde_norway::from_str(template).map_err(|e| format!("template.yaml: {e}"))?;
    let resources = doc.get("Resources").and_then(Value::as_mapping).ok_or("template.yaml has no Resources")?;
    let mut names: Vec<String> = resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::Serverless::Function"))
        .filter_map(|(_, r)| r.get("Metadata")?.get("BuildProperties")?.get("Binary")?.as_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

pub fn from_template(template: &str) -> Result<Vec<Route>, String> {
    let doc: Value = serde_norway::from_str(template).map_err(|e| format!("template.yaml: {e}"))?;
    let resources = doc.get("Resources").and_then(Value::as_mapping).ok_or("template.yaml has no Resources")?;
    let mut routes = Vec::new();
    for (_, r) in resources {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = r
            .get("Metadata")
            .and_then(|m| m.get("BuildProperties"))
            .and_then(|b| b.get("Binary"))
            .and_then(Value::as_str)
            .ok_or("every function needs Metadata.BuildProperties.Binary")?;
        let Some(events) = r.get("Properties").and_then(|p| p.get("Events")).and_then(Value::as_mapping) else { continue };
        for (_, e) in events {
            if e.get("Type").and_then(Value::as_str) != Some("HttpApi") {
                continue;
            }
            let props = e.get("Properties").ok_or("an HttpApi event needs Properties")?;
            let method = props.get("Method").and_then(Value::as_str).ok_or("an HttpApi event needs Method")?;
            let path = props.get("Path").and_then(Value::as_str).ok_or("an HttpApi event needs Path")?;
            routes.push(Route { function: binary.to_string(), method: method.to_ascii_uppercase(), path: path.to_string() });
        }
    }
    routes.sort();
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> Route {
        Route { function: path.into(), method: method.into(), path: path.into() }
    }

    #[test]
    fn parameters_match_one_segment() {
        let r = Router::new(vec![route("POST", "/api/estimates/{id}/approve")]).unwrap();
        let found = r.find("POST", "/api/estimates/est_1/approve").map(|(_, p)| p.get("id").cloned());
        assert_eq!(found, Some(Some("est_1".into())));
        assert!(r.find("GET", "/api/estimates/est_1/approve").is_none());
        assert!(r.find("POST", "/api/estimates//approve").is_none());
        assert!(r.find("POST", "/api/estimates/a/b/approve").is_none());
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter_whatever_the_order() {
        let param_first = vec![route("GET", "/api/admin/customers/{account}"), route("GET", "/api/admin/customers/search")];
        let literal_first: Vec<Route> = param_first.iter().rev().cloned().collect();
        for routes in [param_first, literal_first] {
            let r = Router::new(routes).unwrap();
            assert_eq!(r.find("GET", "/api/admin/customers/search").map(|(r, _)| r.path.as_str()), Some("/api/admin/customers/search"));
            let (hit, params) = r.find("GET", "/api/admin/customers/acc_1").unwrap();
            assert_eq!(hit.path, "/api/admin/customers/{account}");
            assert_eq!(params.get("account").map(String::as_str), Some("acc_1"));
        }
    }

    #[test]
    fn two_routes_that_match_the_same_paths_are_refused() {
        assert!(Router::new(vec![route("GET", "/api/x/{a}"), route("GET", "/api/x/{b}")]).is_err());
    }
}
