//! The Table port. Semantics follow DynamoDB so the embedded backend cannot promise more than
//! the real one: conditions see the item as it was before the write, updates create missing
//! items, transactions are all-or-nothing and may not touch one item twice, queries return
//! items in sort-key byte order, pages end with an opaque cursor.
use base64::Engine;
use serde_json::Value;

/// An item: attribute name -> JSON value (strings, numbers, booleans, lists, maps, null).
pub type Item = serde_json::Map<String, Value>;

/// Primary key of an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }
    /// The key of an item (its `pk` and `sk` attributes).
    pub fn of(item: &Item) -> Result<Self, StoreError> {
        match (item.get("pk"), item.get("sk")) {
            (Some(Value::String(pk)), Some(Value::String(sk))) if !pk.is_empty() && !sk.is_empty() => Ok(Self::new(pk.clone(), sk.clone())),
            _ => Err(StoreError::Invalid("an item needs non-empty string pk and sk".into())),
        }
    }
}

/// A condition on the item as stored before the write. Top-level attributes only. Comparisons
/// with a missing attribute or a value of another type are false, as in DynamoDB.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Exists(String),
    NotExists(String),
    Eq(String, Value),
    Lt(String, Value),
    Le(String, Value),
    Gt(String, Value),
    Ge(String, Value),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// The item must not exist yet.
    pub fn absent() -> Self {
        Cond::NotExists("pk".into())
    }
    /// The item must exist.
    pub fn present() -> Self {
        Cond::Exists("pk".into())
    }
    pub fn eq(attr: &str, v: impl Into<Value>) -> Self {
        Cond::Eq(attr.into(), v.into())
    }
    pub fn and(self, other: Cond) -> Self {
        match self {
            Cond::And(mut v) => {
                v.push(other);
                Cond::And(v)
            }
            c => Cond::And(vec![c, other]),
        }
    }

    /// Evaluates the condition on an item (`None` = no item). Used by the embedded backend.
    pub fn eval(&self, item: Option<&Item>) -> bool {
        let get = |a: &str| item.and_then(|i| i.get(a));
        match self {
            Cond::Exists(a) => get(a).is_some(),
            Cond::NotExists(a) => get(a).is_none(),
            Cond::Eq(a, v) => get(a).is_some_and(|x| values_equal(x, v)),
            Cond::Lt(a, v) => cmp(get(a), v).is_some_and(|o| o.is_lt()),
            Cond::Le(a, v) => cmp(get(a), v).is_some_and(|o| o.is_le()),
            Cond::Gt(a, v) => cmp(get(a), v).is_some_and(|o| o.is_gt()),
            Cond::Ge(a, v) => cmp(get(a), v).is_some_and(|o| o.is_ge()),
            Cond::And(cs) => cs.iter().all(|c| c.eval(item)),
            Cond::Or(cs) => cs.iter().any(|c| c.eval(item)),
        }
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => cmp(Some(a), b).is_some_and(|o| o.is_eq()),
        _ => a == b,
    }
}

fn cmp(a: Option<&Value>, b: &Value) -> Option<std::cmp::Ordering> {
    match (a?, b) {
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        _ => None,
    }
}

/// Write a whole item, replacing any item with its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Put {
    pub item: Item,
    pub cond: Option<Cond>,
}

/// Change some top-level attributes of an item (creating it if missing, as DynamoDB does).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Update {
    pub key: Key,
    pub set: Vec<(String, Value)>,
    pub remove: Vec<String>,
    /// Atomic counters: add to a number attribute (missing counts as 0).
    pub add: Vec<(String, i64)>,
    pub cond: Option<Cond>,
}

impl Default for Key {
    fn default() -> Self {
        Key::new("", "")
    }
}

impl Update {
    pub fn new(key: Key) -> Self {
        Self { key, ..Self::default() }
    }
    pub fn set(mut self, attr: &str, v: impl Into<Value>) -> Self {
        self.set.push((attr.into(), v.into()));
        self
    }
    pub fn remove(mut self, attr: &str) -> Self {
        self.remove.push(attr.into());
        self
    }
    pub fn add(mut self, attr: &str, n: i64) -> Self {
        self.add.push((attr.into(), n));
        self
    }
    pub fn when(mut self, cond: Cond) -> Self {
        self.cond = Some(cond);
        self
    }

    /// Applies the update to an item (or creates one). Used by the embedded backend.
    pub fn apply(&self, existing: Option<Item>) -> Result<Item, StoreError> {
        let mut item = existing.unwrap_or_else(|| {
            let mut i = Item::new();
            i.insert("pk".into(), Value::String(self.key.pk.clone()));
            i.insert("sk".into(), Value::String(self.key.sk.clone()));
            i
        });
        for (a, v) in &self.set {
            item.insert(a.clone(), v.clone());
        }
        for a in &self.remove {
            item.remove(a);
        }
        for (a, n) in &self.add {
            let current = match item.get(a) {
                None => 0,
                Some(Value::Number(x)) => x.as_i64().ok_or_else(|| StoreError::Invalid(format!("{a} is not an integer")))?,
                Some(_) => {
                    return Err(StoreError::Invalid(format!("cannot add to non-number {a}")));
                }
            };
            let sum = current.checked_add(*n).ok_or_else(|| StoreError::Invalid(format!("{a} overflows")))?;
            item.insert(a.clone(), Value::from(sum));
        }
        Ok(item)
    }

    pub(crate) fn check(&self) -> Result<(), StoreError> {
        let touches_key = |a: &String| a == "pk" || a == "sk";
        if self.set.iter().map(|(a, _)| a).chain(&self.remove).chain(self.add.iter().map(|(a, _)| a)).any(touches_key) {
            return Err(StoreError::Invalid("an update cannot change pk or sk".into()));
        }
        if self.set.is_empty() && self.remove.is_empty() && self.add.is_empty() {
            return Err(StoreError::Invalid("an update must change something".into()));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub key: Key,
    pub cond: Option<Cond>,
}

/// One write inside a transaction. `Check` writes nothing; it only asserts a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Put(Put),
    Update(Update),
    Delete(Delete),
    Check { key: Key, cond: Cond },
}

impl Write {
    pub fn key(&self) -> Result<Key, StoreError> {
        match self {
            Write::Put(p) => Key::of(&p.item),
            Write::Update(u) => Ok(u.key.clone()),
            Write::Delete(d) => Ok(d.key.clone()),
            Write::Check { key, .. } => Ok(key.clone()),
        }
    }
    pub fn cond(&self) -> Option<&Cond> {
        match self {
            Write::Put(p) => p.cond.as_ref(),
            Write::Update(u) => u.cond.as_ref(),
            Write::Delete(d) => d.cond.as_ref(),
            Write::Check { cond, .. } => Some(cond),
        }
    }
    /// A put that must not overwrite anything.
    pub fn create(item: Item) -> Self {
        Write::Put(Put { item, cond: Some(Cond::absent()) })
    }
}

/// Largest transaction DynamoDB accepts.
pub const MAX_TRANSACTION: usize = 100;

/// Checks what both backends refuse in a transaction: empty, too large, one item twice.
pub fn check_transaction(writes: &[Write]) -> Result<(), StoreError> {
    if writes.is_empty() || writes.len() > MAX_TRANSACTION {
        return Err(StoreError::Invalid(format!("a transaction holds 1 to {MAX_TRANSACTION} writes")));
    }
    let mut seen = std::collections::HashSet::new();
    for w in writes {
        if let Write::Update(u) = w {
            u.check()?;
        }
        if !seen.insert(w.key()?) {
            return Err(StoreError::Invalid("a transaction cannot touch one item twice".into()));
        }
    }
    Ok(())
}

/// Which key a query runs on. GSIs project all attributes; an item without an index's key
/// attributes is not in that index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Primary,
    Gsi1,
    Gsi2,
}

impl Index {
    /// (partition attribute, sort attribute, DynamoDB index name).
    pub fn attrs(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            Index::Primary => ("pk", "sk", None),
            Index::Gsi1 => ("gsi1pk", "gsi1sk", Some("gsi1")),
            Index::Gsi2 => ("gsi2pk", "gsi2sk", Some("gsi2")),
        }
    }
    pub const GSIS: [Index; 2] = [Index::Gsi1, Index::Gsi2];
}

/// Which sort keys of the partition to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    All,
    Eq(String),
    BeginsWith(String),
    /// Inclusive at both ends.
    Between(String, String),
    Ge(String),
    Le(String),
}

impl SortKey {
    pub fn matches(&self, sk: &str) -> bool {
        match self {
            SortKey::All => true,
            SortKey::Eq(v) => sk == v,
            SortKey::BeginsWith(p) => sk.starts_with(p.as_str()),
            SortKey::Between(a, b) => sk.as_bytes() >= a.as_bytes() && sk.as_bytes() <= b.as_bytes(),
            SortKey::Ge(v) => sk.as_bytes() >= v.as_bytes(),
            SortKey::Le(v) => sk.as_bytes() <= v.as_bytes(),
        }
    }
}

/// Where the previous page stopped: the key attributes of its last item, opaque to callers
/// (base64url JSON), checked against the query it is used with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

impl Cursor {
    pub fn encode(key: &std::collections::BTreeMap<String, String>) -> Self {
        let json = serde_json::to_vec(key).unwrap_or_default();
        Cursor(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }
    pub fn decode(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let bad = || StoreError::BadCursor;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&self.0).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map_err(|_| bad())
    }
    /// Decodes and checks that the cursor belongs to this query's partition and index.
    pub fn decode_for(&self, q: &Query) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let key = self.decode()?;
        let (pk_attr, sk_attr, _) = q.index.attrs();
        let ok = key.get(pk_attr) == Some(&q.pk)
            && key.contains_key(sk_attr)
            && key.contains_key("pk")
            && key.contains_key("sk")
            && key.len() == if q.index == Index::Primary { 2 } else { 4 };
        if ok { Ok(key) } else { Err(StoreError::BadCursor) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk: SortKey,
    /// At most this many items per page (1..=1000). `None`: as many as fit in one page.
    pub limit: Option<u32>,
    /// Ascending sort-key order when true.
    pub forward: bool,
    pub after: Option<Cursor>,
}

impl Query {
    pub fn partition(pk: impl Into<String>) -> Self {
        Self { index: Index::Primary, pk: pk.into(), sk: SortKey::All, limit: None, forward: true, after: None }
    }
    pub fn index(index: Index, pk: impl Into<String>) -> Self {
        Self { index, ..Self::partition(pk) }
    }
    pub fn prefix(mut self, p: impl Into<String>) -> Self {
        self.sk = SortKey::BeginsWith(p.into());
        self
    }
    pub fn sort(mut self, sk: SortKey) -> Self {
        self.sk = sk;
        self
    }
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
    pub fn backwards(mut self) -> Self {
        self.forward = false;
        self
    }
    pub fn after(mut self, c: Option<Cursor>) -> Self {
        self.after = c;
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    /// Present when there may be more items.
    pub next: Option<Cursor>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A single write's condition was false; nothing changed.
    #[error("the condition of the write was not met")]
    ConditionFailed,
    /// A transaction changed nothing. `failed` lists the writes whose conditions were false;
    /// it is empty when another transaction got in the way (safe to retry).
    #[error("the transaction was cancelled")]
    TransactionCancelled { failed: Vec<usize> },
    /// A paging cursor this query did not give (malformed, or from another list): the
    /// caller's mistake, not the store's.
    #[error("the page cursor is not one this query gave")]
    BadCursor,
    /// The request itself is wrong (a transaction touching one item twice, a bad limit).
    #[error("invalid storage request: {0}")]
    Invalid(String),
    /// A stored item does not have the shape its record type expects.
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
    /// The backend could not be reached or failed.
    #[error("storage unavailable: {what}")]
    Unavailable {
        what: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl StoreError {
    pub fn unavailable(what: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Unavailable { what: what.into(), source: Some(Box::new(source)) }
    }
    /// True when a write did not happen because a condition was false (a conflict to report).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::ConditionFailed | StoreError::TransactionCancelled { .. })
    }
}

/// The storage port. Implemented by DynamoDB (`portal-aws`) and redb (`portal-embedded`).
#[async_trait::async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;
    /// Reads up to [`MAX_GET_MANY`] items in one round trip (strongly consistent), in the
    /// order of `keys`; `None` where there is no item. Keys must differ.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError>;
    async fn query(&self, query: &Query) -> Result<Page, StoreError>;
    async fn put(&self, put: Put) -> Result<(), StoreError>;
    /// Returns the item as it is after the update.
    async fn update(&self, update: Update) -> Result<Item, StoreError>;
    async fn delete(&self, delete: Delete) -> Result<(), StoreError>;
    /// All writes or none; conditions are checked against the state before the transaction.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError>;
}

/// Most keys one [`Table::get_many`] reads (DynamoDB's BatchGetItem takes 100).
pub const MAX_GET_MANY: usize = 100;

/// Checks what both backends refuse in a batch read: none, too many, one key twice.
pub fn check_get_many(keys: &[Key]) -> Result<(), StoreError> {
    if keys.is_empty() || keys.len() > MAX_GET_MANY {
        return Err(StoreError::Invalid(format!("a batch read takes 1 to {MAX_GET_MANY} keys")));
    }
    let distinct: std::collections::BTreeSet<&Key> = keys.iter().collect();
    if distinct.len() != keys.len() {
        return Err(StoreError::Invalid("a batch read may not name one key twice".into()));
    }
    Ok(())
}

/// Checks a query's limit: 1..=1000 when given.
pub fn check_query(q: &Query) -> Result<(), StoreError> {
    match q.limit {
        Some(0) => Err(StoreError::Invalid("limit must be at least 1".into())),
        Some(n) if n > 1000 => Err(StoreError::Invalid("limit must be at most 1000".into())),
        _ if q.pk.is_empty() => Err(StoreError::Invalid("partition key must not be empty".into())),
        _ => Ok(()),
    }
}

/// Tries a transaction again, up to `tries` times in all, when another transaction got in
/// its way (DynamoDB's `TransactionConflict`: cancelled with no condition false), after
/// 20 ms, then 60 ms, and so on. For a transaction that touches a counter many requests
/// share (a tenant's bytes of files): two customers uploading at the same moment both get
/// their slot. A condition that is false is answered at once, as before.
pub async fn transact_retrying(table: &dyn Table, writes: Vec<Write>, tries: u32) -> Result<(), StoreError> {
    let mut attempt = 1;
    loop {
        match table.transact(writes.clone()).await {
            Err(StoreError::TransactionCancelled { failed }) if failed.is_empty() && attempt < tries => {
                tokio::time::sleep(std::time::Duration::from_millis(20 * 3u64.pow(attempt - 1))).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}
