//! What changed between two versions of an estimate, line by line, for the customer.
use std::collections::BTreeMap;

use super::{EstimateVersion, LineItem, totals};
use crate::DomainError;
use crate::ids::LineItemId;

/// What changed from one version to the next, for the customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionChanges {
    pub from_version: u32,
    pub to_version: u32,
    pub added: Vec<LineChange>,
    pub removed: Vec<LineChange>,
    pub changed: Vec<LineChange>,
    pub scope_changed: bool,
    pub terms_changed: bool,
    pub tax_rate_changed: bool,
    pub deposit_changed: bool,
    pub valid_until_changed: bool,
    /// Totals with the recommended options, before and after.
    pub total_before: i64,
    pub total_after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LineChange {
    pub item: LineItemId,
    pub name: String,
    /// Option it belongs to, if any ("200 A panel").
    pub option: Option<String>,
    /// Which fields changed (`quantity`, `unit_price`, `name`, `description`, `taxable`).
    pub fields: Vec<String>,
    pub amount_before: Option<i64>,
    pub amount_after: Option<i64>,
}

/// Compares two versions line by line (lines keep their ids across versions).
pub fn diff(before: &EstimateVersion, after: &EstimateVersion) -> Result<VersionChanges, DomainError> {
    let index = |v: &EstimateVersion| -> BTreeMap<LineItemId, (Option<String>, LineItem)> {
        v.content.all_items().map(|(_, o, i)| (i.id.clone(), (o.map(|o| o.name.clone()), i.clone()))).collect()
    };
    let (a, b) = (index(before), index(after));
    let mut changes = VersionChanges {
        from_version: before.number,
        to_version: after.number,
        scope_changed: before.content.scope != after.content.scope,
        terms_changed: before.content.terms != after.content.terms,
        tax_rate_changed: before.content.tax_rate != after.content.tax_rate,
        deposit_changed: before.content.deposit != after.content.deposit,
        valid_until_changed: before.content.valid_until != after.content.valid_until,
        total_before: totals(&before.content, &before.content.default_selection())?.total,
        total_after: totals(&after.content, &after.content.default_selection())?.total,
        ..VersionChanges::default()
    };
    for (id, (option, item)) in &b {
        match a.get(id) {
            None => changes.added.push(LineChange {
                item: id.clone(),
                name: item.name.clone(),
                option: option.clone(),
                fields: vec![],
                amount_before: None,
                amount_after: Some(item.amount()),
            }),
            Some((_, old)) => {
                let mut fields = vec![];
                if old.name != item.name {
                    fields.push("name".to_string());
                }
                if old.description != item.description {
                    fields.push("description".to_string());
                }
                if old.quantity != item.quantity {
                    fields.push("quantity".to_string());
                }
                if old.unit_price != item.unit_price {
                    fields.push("unit_price".to_string());
                }
                if old.taxable != item.taxable {
                    fields.push("taxable".to_string());
                }
                if !fields.is_empty() {
                    changes.changed.push(LineChange {
                        item: id.clone(),
                        name: item.name.clone(),
                        option: option.clone(),
                        fields,
                        amount_before: Some(old.amount()),
                        amount_after: Some(item.amount()),
                    });
                }
            }
        }
    }
    for (id, (option, item)) in &a {
        if !b.contains_key(id) {
            changes.removed.push(LineChange {
                item: id.clone(),
                name: item.name.clone(),
                option: option.clone(),
                fields: vec![],
                amount_before: Some(item.amount()),
                amount_after: None,
            });
        }
    }
    Ok(changes)
}
