//! The Table port on DynamoDB.
use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete as DDelete, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    KeysAndAttributes, Projection, ProjectionType, Put as DPut, ReturnValue, ScalarAttributeType, TransactWriteItem, Update as DUpdate,
};
use portal_store::table::{check_get_many, check_query, check_transaction};
use portal_store::{Cond, Cursor, Delete, Index, Item, Key, Page, Put, Query, SortKey, StoreError, Table, Update, Write};

type Attrs = HashMap<String, AttributeValue>;

#[derive(Debug)]
pub struct DynamoTable {
    client: crate::lazy::LazyClient<Client>,
    table: String,
}

impl DynamoTable {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client: crate::lazy::LazyClient::ready(client), table: table.into() }
    }
    /// The client is built by the first request.
    pub fn lazy(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self { client: crate::lazy::LazyClient::new(config, Client::new), table: table.into() }
    }
    fn client(&self) -> &Client {
        self.client.get()
    }
}

fn to_attrs(item: &Item) -> Result<Attrs, StoreError> {
    serde_dynamo::to_item(item).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn from_attrs(attrs: Attrs) -> Result<Item, StoreError> {
    serde_dynamo::from_item(attrs).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn key_attrs(key: &Key) -> Attrs {
    HashMap::from([("pk".to_string(), AttributeValue::S(key.pk.clone())), ("sk".to_string(), AttributeValue::S(key.sk.clone()))])
}

fn unavailable<E: std::error::Error + Send + Sync + 'static>(what: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| StoreError::unavailable(format!("dynamodb {what}"), e)
}

/// Builds expression strings with `#n`/`:v` placeholders, so attribute names never collide
/// with reserved words and values never end up in the expression text.
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: Attrs,
}

impl Expr {
    fn name(&mut self, attr: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| a.as_str() == attr) {
            return placeholder.clone();
        }
        let p = format!("#n{}", self.names.len());
        self.names.insert(p.clone(), attr.to_string());
        p
    }
    fn value(&mut self, v: &serde_json::Value) -> Result<String, StoreError> {
        let p = format!(":v{}", self.values.len());
        let av = serde_dynamo::to_attribute_value(v).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.values.insert(p.clone(), av);
        Ok(p)
    }
    fn cond(&mut self, c: &Cond) -> Result<String, StoreError> {
        let cmp = |a: &str, op: &str, v: &serde_json::Value, e: &mut Self| -> Result<String, StoreError> {
            let n = e.name(a);
            let v = e.value(v)?;
            Ok(format!("{n} {op} {v}"))
        };
        Ok(match c {
            Cond::Exists(a) => format!("attribute_exists({})", self.name(a)),
            Cond::NotExists(a) => format!("attribute_not_exists({})", self.name(a)),
            Cond::Eq(a, v) => cmp(a, "=", v, self)?,
            Cond::Lt(a, v) => cmp(a, "<", v, self)?,
            Cond::Le(a, v) => cmp(a, "<=", v, self)?,
            Cond::Gt(a, v) => cmp(a, ">", v, self)?,
            Cond::Ge(a, v) => cmp(a, ">=", v, self)?,
            Cond::And(cs) | Cond::Or(cs) if cs.is_empty() => {
                return Err(StoreError::Invalid("empty condition list".into()));
            }
            Cond::And(cs) => format!("({})", cs.iter().map(|c| self.cond(c)).collect::<Result<Vec<_>, _>>()?.join(" AND ")),
            Cond::Or(cs) => format!("({})", cs.iter().map(|c| self.cond(c)).collect::<Result<Vec<_>, _>>()?.join(" OR ")),
        })
    }
    fn update(&mut self, u: &Update) -> Result<String, StoreError> {
        let mut parts = Vec::new();
        if !u.set.is_empty() {
            let sets =
                u.set.iter().map(|(a, v)| Ok(format!("{} = {}", self.name(a), self.value(v)?))).collect::<Result<Vec<_>, StoreError>>()?;
            parts.push(format!("SET {}", sets.join(", ")));
        }
        if !u.remove.is_empty() {
            let removes: Vec<_> = u.remove.iter().map(|a| self.name(a)).collect();
            parts.push(format!("REMOVE {}", removes.join(", ")));
        }
        if !u.add.is_empty() {
            let adds = u
                .add
                .iter()
                .map(|(a, n)| Ok(format!("{} {}", self.name(a), self.value(&(*n).into())?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            parts.push(format!("ADD {}", adds.join(", ")));
        }
        Ok(parts.join(" "))
    }
    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }
    fn values(&self) -> Option<Attrs> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

fn conditional<E>(e: SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>, is_cond: impl Fn(&E) -> bool, what: &str) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    match &e {
        SdkError::ServiceError(s) if is_cond(s.err()) => StoreError::ConditionFailed,
        _ => StoreError::unavailable(format!("dynamodb {what}"), e),
    }
}

fn built<T>(r: Result<T, aws_sdk_dynamodb::error::BuildError>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Invalid(e.to_string()))
}

fn transact_item(w: Write, table: &str) -> Result<TransactWriteItem, StoreError> {
    let mut e = Expr::default();
    let item = match w {
        Write::Put(p) => {
            let cond = p.cond.as_ref().map(|c| e.cond(c)).transpose()?;
            TransactWriteItem::builder().put(built(
                DPut::builder()
                    .table_name(table)
                    .set_item(Some(to_attrs(&p.item)?))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build(),
            )?)
        }
        Write::Update(u) => {
            let expr = e.update(&u)?;
            let cond = u.cond.as_ref().map(|c| e.cond(c)).transpose()?;
            TransactWriteItem::builder().update(built(
                DUpdate::builder()
                    .table_name(table)
                    .set_key(Some(key_attrs(&u.key)))
                    .update_expression(expr)
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build(),
            )?)
        }
        Write::Delete(d) => {
            let cond = d.cond.as_ref().map(|c| e.cond(c)).transpose()?;
            TransactWriteItem::builder().delete(built(
                DDelete::builder()
                    .table_name(table)
                    .set_key(Some(key_attrs(&d.key)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build(),
            )?)
        }
        Write::Check { key, cond } => {
            let cond = e.cond(&cond)?;
            TransactWriteItem::builder().condition_check(built(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_attrs(&key)))
                    .condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build(),
            )?)
        }
    };
    Ok(item.build())
}

#[async_trait::async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable("get"))?;
        out.item.map(from_attrs).transpose()
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        check_get_many(keys)?;
        let mut found: HashMap<Key, Item> = HashMap::new();
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(keys.iter().map(key_attrs).collect()))
                .consistent_read(true)
                .build()
                .map_err(unavailable("batch_get"))?,
        );
        // DynamoDB may answer part of a batch (UnprocessedKeys): ask again for the rest, with
        // a short backoff, a bounded number of times.
        for attempt in 0..8u32 {
            let Some(ask) = pending.take() else { break };
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(5))).await;
            }
            let out = self.client().batch_get_item().request_items(&self.table, ask).send().await.map_err(unavailable("batch_get"))?;
            for attrs in out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                let item = from_attrs(attrs)?;
                found.insert(Key::of(&item)?, item);
            }
            pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).filter(|k| !k.keys.is_empty());
        }
        if pending.is_some() {
            return Err(StoreError::Unavailable { what: "dynamodb batch_get: keys left unprocessed".into(), source: None });
        }
        Ok(keys.iter().map(|k| found.remove(k)).collect())
    }

    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        check_query(q)?;
        let (pk_attr, sk_attr, index_name) = q.index.attrs();
        let mut e = Expr::default();
        let pk = format!("{} = {}", e.name(pk_attr), e.value(&q.pk.clone().into())?);
        let sk = |e: &mut Expr, op: &str, v: &str| -> Result<String, StoreError> {
            Ok(format!("{} {op} {}", e.name(sk_attr), e.value(&v.into())?))
        };
        let key_cond = match &q.sk {
            SortKey::All => pk,
            SortKey::Eq(v) => format!("{pk} AND {}", sk(&mut e, "=", v)?),
            SortKey::Ge(v) => format!("{pk} AND {}", sk(&mut e, ">=", v)?),
            SortKey::Le(v) => format!("{pk} AND {}", sk(&mut e, "<=", v)?),
            SortKey::BeginsWith(p) => format!("{pk} AND begins_with({}, {})", e.name(sk_attr), e.value(&p.clone().into())?),
            SortKey::Between(a, b) => {
                let n = e.name(sk_attr);
                format!("{pk} AND {n} BETWEEN {} AND {}", e.value(&a.clone().into())?, e.value(&b.clone().into())?)
            }
        };
        let start = match &q.after {
            Some(c) => Some(c.decode_for(q)?.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect::<Attrs>()),
            None => None,
        };
        let out = self
            .client()
            .query()
            .table_name(&self.table)
            .set_index_name(index_name.map(str::to_string))
            .key_condition_expression(key_cond)
            .set_expression_attribute_names(e.names())
            .set_expression_attribute_values(e.values())
            .scan_index_forward(q.forward)
            .set_limit(q.limit.map(|l| l as i32))
            .set_exclusive_start_key(start)
            .set_consistent_read((q.index == Index::Primary).then_some(true))
            .send()
            .await
            .map_err(unavailable("query"))?;
        let items = out.items.unwrap_or_default().into_iter().map(from_attrs).collect::<Result<Vec<_>, _>>()?;
        let next = out.last_evaluated_key.filter(|k| !k.is_empty()).map(|k| {
            let key: BTreeMap<String, String> =
                k.into_iter().filter_map(|(name, v)| if let AttributeValue::S(s) = v { Some((name, s)) } else { None }).collect();
            Cursor::encode(&key)
        });
        Ok(Page { items, next })
    }

    async fn put(&self, put: Put) -> Result<(), StoreError> {
        Key::of(&put.item)?;
        let mut e = Expr::default();
        let cond = put.cond.as_ref().map(|c| e.cond(c)).transpose()?;
        self.client()
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attrs(&put.item)?))
            .set_condition_expression(cond)
            .set_expression_attribute_names(e.names())
            .set_expression_attribute_values(e.values())
            .send()
            .await
            .map_err(|err| conditional(err, |e| e.is_conditional_check_failed_exception(), "put"))?;
        Ok(())
    }

    async fn update(&self, u: Update) -> Result<Item, StoreError> {
        check_transaction(std::slice::from_ref(&Write::Update(u.clone())))?;
        let mut e = Expr::default();
        let expr = e.update(&u)?;
        let cond = u.cond.as_ref().map(|c| e.cond(c)).transpose()?;
        let out = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(&u.key)))
            .update_expression(expr)
            .set_condition_expression(cond)
            .set_expression_attribute_names(e.names())
            .set_expression_attribute_values(e.values())
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|err| conditional(err, |e| e.is_conditional_check_failed_exception(), "update"))?;
        from_attrs(out.attributes.unwrap_or_default())
    }

    async fn delete(&self, d: Delete) -> Result<(), StoreError> {
        let mut e = Expr::default();
        let cond = d.cond.as_ref().map(|c| e.cond(c)).transpose()?;
        self.client()
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(&d.key)))
            .set_condition_expression(cond)
            .set_expression_attribute_names(e.names())
            .set_expression_attribute_values(e.values())
            .send()
            .await
            .map_err(|err| conditional(err, |e| e.is_conditional_check_failed_exception(), "delete"))?;
        Ok(())
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        check_transaction(&writes)?;
        let items = writes.into_iter().map(|w| transact_item(w, &self.table)).collect::<Result<Vec<_>, _>>()?;
        match self.client().transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(s)) if s.err().is_transaction_canceled_exception() => {
                let reasons = match s.err() {
                    aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) => {
                        c.cancellation_reasons.clone().unwrap_or_default()
                    }
                    _ => vec![],
                };
                let failed = reasons
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.code.as_deref() == Some("ConditionalCheckFailed"))
                    .map(|(i, _)| i)
                    .collect();
                Err(StoreError::TransactionCancelled { failed })
            }
            Err(e) => Err(StoreError::unavailable("dynamodb transact", e)),
        }
    }
}

/// Creates the table as `template.yaml` declares it (keys and GSIs), for tests and local
/// tooling against DynamoDB-compatible servers. A test checks the two agree.
pub async fn create_table(client: &Client, name: &str) -> Result<(), StoreError> {
    let attr = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(|e| StoreError::Invalid(e.to_string()))
    };
    let key = |n: &str, t: KeyType| {
        KeySchemaElement::builder().attribute_name(n).key_type(t).build().map_err(|e| StoreError::Invalid(e.to_string()))
    };
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?);
    for a in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
        req = req.attribute_definitions(attr(a)?);
    }
    for index in Index::GSIS {
        let (p, s, Some(n)) = index.attrs() else {
            continue;
        };
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(n)
                .key_schema(key(p, KeyType::Hash)?)
                .key_schema(key(s, KeyType::Range)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
        );
    }
    req.send().await.map_err(unavailable("create table"))?;
    Ok(())
}
