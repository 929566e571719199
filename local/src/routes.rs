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

    /// Path parameters when `path` matches this route.
    pub fn matches(&self, method: &str, path: &str) -> Option<HashMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let pattern: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (p, a) in pattern.iter().zip(&actual) {
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) if !a.is_empty() => {
                    params.insert(name.to_string(), a.to_string());
                }
                Some(_) => return None,
                None if p == a => {}
                None => return None,
            }
        }
        Some(params)
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

    #[test]
    fn parameters_match_one_segment() {
        let r = Route { function: "f".into(), method: "POST".into(), path: "/api/estimates/{id}/approve".into() };
        assert_eq!(r.matches("POST", "/api/estimates/est_1/approve").and_then(|p| p.get("id").cloned()), Some("est_1".into()));
        assert!(r.matches("GET", "/api/estimates/est_1/approve").is_none());
        assert!(r.matches("POST", "/api/estimates//approve").is_none());
        assert!(r.matches("POST", "/api/estimates/a/b/approve").is_none());
    }
}
