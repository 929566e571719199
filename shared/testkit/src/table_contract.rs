//! The contract every [`Table`] implementation is held to. Each backend's tests invoke
//! [`contract_tests!`] with an expression that makes a table; every case uses its own
//! partitions (a fresh random namespace), so the cases may share one table and run in parallel.
use serde_json::{Value, json};

use portal_store::{Cond, Delete, Index, Item, Key, Put, Query, SortKey, StoreError, Table, Update, Write};

use crate::ns;

fn item(pk: &str, sk: &str, extra: Value) -> Item {
    let mut i = extra.as_object().cloned().unwrap_or_default();
    i.insert("pk".into(), pk.into());
    i.insert("sk".into(), sk.into());
    i
}

fn sks(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i["sk"].as_str().unwrap().to_string()).collect()
}

pub async fn get_returns_what_put_wrote(t: &dyn Table) {
    let pk = ns();
    let written = item(
        &pk,
        "A",
        json!({"s": "text ü", "n": -42, "big": 9_007_199_254_740_993_i64, "b": true, "nul": null,
               "l": [1, "two", {"three": 3}], "m": {"k": "v", "n": 1}}),
    );
    t.put(Put { item: written.clone(), cond: None }).await.unwrap();
    assert_eq!(t.get(&Key::new(&pk, "A")).await.unwrap(), Some(written));
    assert_eq!(t.get(&Key::new(&pk, "B")).await.unwrap(), None);
}

pub async fn get_many_reads_each_key_in_order(t: &dyn Table) {
    let pk = ns();
    let a = item(&pk, "A", json!({"n": 1}));
    let c = item(&pk, "C", json!({"n": 3}));
    t.put(Put { item: a.clone(), cond: None }).await.unwrap();
    t.put(Put { item: c.clone(), cond: None }).await.unwrap();
    let keys = [Key::new(&pk, "C"), Key::new(&pk, "B"), Key::new(&pk, "A")];
    assert_eq!(t.get_many(&keys).await.unwrap(), vec![Some(c), None, Some(a)]);
    let many: Vec<Key> = (0..100).map(|i| Key::new(&pk, format!("K{i:03}"))).collect();
    assert_eq!(t.get_many(&many).await.unwrap().len(), 100, "a hundred keys in one read");
    assert!(t.get_many(&[]).await.is_err(), "no keys");
    assert!(t.get_many(&[Key::new(&pk, "A"), Key::new(&pk, "A")]).await.is_err(), "one key twice");
    let too_many: Vec<Key> = (0..101).map(|i| Key::new(&pk, format!("K{i:03}"))).collect();
    assert!(t.get_many(&too_many).await.is_err(), "more than a hundred");
}

pub async fn a_failed_condition_changes_nothing(t: &dyn Table) {
    let pk = ns();
    let first = item(&pk, "A", json!({"v": 1}));
    t.put(Put { item: first.clone(), cond: Some(Cond::absent()) }).await.unwrap();
    let again = t.put(Put { item: item(&pk, "A", json!({"v": 2})), cond: Some(Cond::absent()) }).await;
    assert!(matches!(again, Err(StoreError::ConditionFailed)), "{again:?}");
    let stale = t.update(Update::new(Key::new(&pk, "A")).set("v", 3).when(Cond::eq("v", 0))).await;
    assert!(matches!(stale, Err(StoreError::ConditionFailed)), "{stale:?}");
    let del = t.delete(Delete { key: Key::new(&pk, "A"), cond: Some(Cond::eq("v", 9)) }).await;
    assert!(matches!(del, Err(StoreError::ConditionFailed)), "{del:?}");
    assert_eq!(t.get(&Key::new(&pk, "A")).await.unwrap(), Some(first));
}

pub async fn updates_set_remove_add_and_create(t: &dyn Table) {
    let pk = ns();
    let key = Key::new(&pk, "C");
    let created = t.update(Update::new(key.clone()).add("count", 1).set("ttl", 10)).await.unwrap();
    assert_eq!(created.get("count"), Some(&json!(1)));
    let after = t.update(Update::new(key.clone()).add("count", 5).remove("ttl").set("name", "x").when(Cond::eq("count", 1))).await.unwrap();
    assert_eq!(after.get("count"), Some(&json!(6)));
    assert_eq!(after.get("ttl"), None);
    assert_eq!(t.get(&key).await.unwrap(), Some(after));
}

pub async fn conditions_compare_like_dynamodb(t: &dyn Table) {
    let pk = ns();
    let key = Key::new(&pk, "A");
    t.put(Put { item: item(&pk, "A", json!({"n": 10, "s": "m", "flag": false})), cond: None }).await.unwrap();
    let holds = |c: Cond| {
        let key = key.clone();
        async move { t.update(Update::new(key).add("probe", 1).when(c)).await.is_ok() }
    };
    assert!(holds(Cond::Lt("n".into(), json!(11))).await);
    assert!(!holds(Cond::Lt("n".into(), json!(10))).await);
    assert!(holds(Cond::Le("n".into(), json!(10))).await);
    assert!(holds(Cond::Gt("n".into(), json!(9))).await);
    assert!(holds(Cond::Ge("s".into(), json!("m"))).await);
    assert!(!holds(Cond::Gt("s".into(), json!("z"))).await);
    assert!(holds(Cond::eq("flag", false)).await);
    assert!(!holds(Cond::Lt("missing".into(), json!(1))).await, "a missing attribute compares false");
    assert!(!holds(Cond::Lt("s".into(), json!(1))).await, "another type compares false");
    assert!(holds(Cond::Or(vec![Cond::eq("n", 1), Cond::Exists("s".into())])).await);
    assert!(!holds(Cond::And(vec![Cond::eq("n", 10), Cond::NotExists("s".into())])).await);
    assert!(holds(Cond::present()).await);
}

pub async fn a_cancelled_transaction_changes_nothing(t: &dyn Table) {
    let pk = ns();
    t.put(Put { item: item(&pk, "A", json!({"rev": 1})), cond: None }).await.unwrap();
    let writes = vec![
        Write::create(item(&pk, "NEW", json!({}))),
        Write::Update(Update::new(Key::new(&pk, "A")).set("rev", 2).when(Cond::eq("rev", 1))),
        Write::Check { key: Key::new(&pk, "GONE"), cond: Cond::present() },
    ];
    let r = t.transact(writes).await;
    match r {
        Err(StoreError::TransactionCancelled { failed }) => assert_eq!(failed, vec![2]),
        other => panic!("expected a cancelled transaction, got {other:?}"),
    }
    assert_eq!(t.get(&Key::new(&pk, "NEW")).await.unwrap(), None);
    assert_eq!(t.get(&Key::new(&pk, "A")).await.unwrap().unwrap()["rev"], json!(1));
}

pub async fn a_transaction_applies_every_write(t: &dyn Table) {
    let pk = ns();
    t.put(Put { item: item(&pk, "A", json!({"rev": 1})), cond: None }).await.unwrap();
    t.put(Put { item: item(&pk, "B", json!({})), cond: None }).await.unwrap();
    t.put(Put { item: item(&pk, "D", json!({"keep": true})), cond: None }).await.unwrap();
    t.transact(vec![
        Write::create(item(&pk, "NEW", json!({"x": 1}))),
        Write::Update(Update::new(Key::new(&pk, "A")).set("rev", 2).when(Cond::eq("rev", 1))),
        Write::Delete(Delete { key: Key::new(&pk, "B"), cond: Some(Cond::present()) }),
        Write::Check { key: Key::new(&pk, "D"), cond: Cond::eq("keep", true) },
    ])
    .await
    .unwrap();
    let all = t.query(&Query::partition(&pk)).await.unwrap().items;
    assert_eq!(sks(&all), ["A", "D", "NEW"]);
    assert_eq!(all[0]["rev"], json!(2));
}

pub async fn a_transaction_may_not_touch_one_item_twice(t: &dyn Table) {
    let pk = ns();
    let r = t.transact(vec![Write::create(item(&pk, "A", json!({}))), Write::Update(Update::new(Key::new(&pk, "A")).set("x", 1))]).await;
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    assert_eq!(t.get(&Key::new(&pk, "A")).await.unwrap(), None);
}

pub async fn queries_follow_sort_key_order(t: &dyn Table) {
    let pk = ns();
    for sk in ["EST#b", "EST#a#V#0002", "AUDIT#1", "EST#a", "EST#a#V#0001", "ESTV", "Z"] {
        t.put(Put { item: item(&pk, sk, json!({})), cond: None }).await.unwrap();
    }
    t.put(Put { item: item(&format!("{pk}x"), "EST#a", json!({})), cond: None }).await.unwrap();
    let q = Query::partition(&pk).prefix("EST#");
    assert_eq!(sks(&t.query(&q).await.unwrap().items), ["EST#a", "EST#a#V#0001", "EST#a#V#0002", "EST#b"]);
    assert_eq!(sks(&t.query(&q.clone().backwards()).await.unwrap().items), ["EST#b", "EST#a#V#0002", "EST#a#V#0001", "EST#a"]);
    let between = Query::partition(&pk).sort(SortKey::Between("EST#a#".into(), "EST#a#~".into()));
    assert_eq!(sks(&t.query(&between).await.unwrap().items), ["EST#a#V#0001", "EST#a#V#0002"]);
    assert_eq!(sks(&t.query(&Query::partition(&pk).sort(SortKey::Eq("Z".into()))).await.unwrap().items), ["Z"]);
    assert_eq!(sks(&t.query(&Query::partition(&pk).sort(SortKey::Ge("EST#b".into()))).await.unwrap().items), ["EST#b", "ESTV", "Z"]);
    assert!(t.query(&Query::partition(format!("{pk}-empty"))).await.unwrap().items.is_empty());
}

async fn collect_pages(t: &dyn Table, mut q: Query) -> Vec<String> {
    let mut seen = vec![];
    for _ in 0..100 {
        let page = t.query(&q).await.unwrap();
        assert!(page.items.len() <= q.limit.unwrap_or(u32::MAX) as usize);
        seen.extend(sks(&page.items));
        match page.next {
            Some(c) => q.after = Some(c),
            None => return seen,
        }
    }
    panic!("pagination did not end");
}

pub async fn pages_cover_every_item_once(t: &dyn Table) {
    let pk = ns();
    let mut expected = vec![];
    for i in 0..23 {
        let sk = format!("I#{i:03}");
        t.put(Put { item: item(&pk, &sk, json!({"i": i})), cond: None }).await.unwrap();
        expected.push(sk);
    }
    assert_eq!(collect_pages(t, Query::partition(&pk).limit(5)).await, expected);
    expected.reverse();
    assert_eq!(collect_pages(t, Query::partition(&pk).limit(7).backwards()).await, expected);
}

pub async fn a_cursor_only_works_for_its_own_partition(t: &dyn Table) {
    let (a, b) = (ns(), ns());
    for pk in [&a, &b] {
        for i in 0..3 {
            t.put(Put { item: item(pk, &format!("I#{i}"), json!({})), cond: None }).await.unwrap();
        }
    }
    let page = t.query(&Query::partition(&a).limit(1)).await.unwrap();
    let cursor = page.next.expect("more pages");
    let r = t.query(&Query::partition(&b).limit(1).after(Some(cursor))).await;
    assert!(matches!(r, Err(StoreError::BadCursor)), "{r:?}");
    let junk = t.query(&Query::partition(&a).after(Some(portal_store::Cursor("not-a-cursor".into())))).await;
    assert!(matches!(junk, Err(StoreError::BadCursor)), "{junk:?}");
}

pub async fn secondary_indexes_follow_writes(t: &dyn Table) {
    let (pk, g) = (ns(), ns());
    let indexed = |sk: &str, gsk: &str| item(&pk, sk, json!({"gsi1pk": g, "gsi1sk": gsk}));
    for (sk, gsk) in [("A", "2026-03"), ("B", "2026-01"), ("C", "2026-02")] {
        t.put(Put { item: indexed(sk, gsk), cond: None }).await.unwrap();
    }
    t.put(Put { item: item(&pk, "NOINDEX", json!({})), cond: None }).await.unwrap();
    let q = Query::index(Index::Gsi1, &g);
    assert_eq!(sks(&t.query(&q).await.unwrap().items), ["B", "C", "A"]);
    assert_eq!(sks(&t.query(&q.clone().prefix("2026-0").limit(2).backwards()).await.unwrap().items), ["A", "C"]);
    // Moving an item to another index partition, and deleting one, keep the index in step.
    let other = ns();
    t.update(Update::new(Key::new(&pk, "A")).set("gsi1pk", other.as_str())).await.unwrap();
    t.delete(Delete { key: Key::new(&pk, "B"), cond: None }).await.unwrap();
    assert_eq!(sks(&t.query(&q).await.unwrap().items), ["C"]);
    assert_eq!(sks(&t.query(&Query::index(Index::Gsi1, &other)).await.unwrap().items), ["A"]);
    // A transaction maintains the index too.
    t.transact(vec![Write::create(item(&pk, "D", json!({"gsi2pk": g, "gsi2sk": "x"})))]).await.unwrap();
    assert_eq!(sks(&t.query(&Query::index(Index::Gsi2, &g)).await.unwrap().items), ["D"]);
}

pub async fn index_pages_cover_every_item_once(t: &dyn Table) {
    let (pk, g) = (ns(), ns());
    let mut expected = vec![];
    for i in 0..11 {
        let sk = format!("I#{i:02}");
        t.put(Put { item: item(&pk, &sk, json!({"gsi1pk": g, "gsi1sk": format!("S#{i:02}")})), cond: None }).await.unwrap();
        expected.push(sk);
    }
    assert_eq!(collect_pages(t, Query::index(Index::Gsi1, &g).limit(4)).await, expected);
}

pub async fn concurrent_conditional_writes_have_one_winner(t: std::sync::Arc<dyn Table>) {
    let pk = ns();
    t.put(Put { item: item(&pk, "A", json!({"rev": 0})), cond: None }).await.unwrap();
    let mut tasks = vec![];
    for i in 0..8 {
        let (t, pk) = (t.clone(), pk.clone());
        tasks.push(tokio::spawn(async move {
            t.transact(vec![
                Write::Update(Update::new(Key::new(&pk, "A")).set("rev", 1).set("by", i).when(Cond::eq("rev", 0))),
                Write::create(item(&pk, &format!("WIN#{i}"), json!({}))),
            ])
            .await
        }));
    }
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => wins += 1,
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(t.query(&Query::partition(&pk).prefix("WIN#")).await.unwrap().items.len(), 1);
}

/// Generates one `#[tokio::test]` per contract case. `$make` is an async expression returning
/// an `Arc<dyn Table>`.
#[macro_export]
macro_rules! table_contract_tests {
    ($make:expr) => {
        $crate::table_contract_tests!(@cases $make;
            get_returns_what_put_wrote, get_many_reads_each_key_in_order, a_failed_condition_changes_nothing,
            updates_set_remove_add_and_create, conditions_compare_like_dynamodb,
            a_cancelled_transaction_changes_nothing, a_transaction_applies_every_write,
            a_transaction_may_not_touch_one_item_twice, queries_follow_sort_key_order,
            pages_cover_every_item_once, a_cursor_only_works_for_its_own_partition,
            secondary_indexes_follow_writes, index_pages_cover_every_item_once);
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn concurrent_conditional_writes_have_one_winner() {
            let table: std::sync::Arc<dyn portal_store::Table> = $make.await;
            $crate::table_contract::concurrent_conditional_writes_have_one_winner(table).await;
        }
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                let table: std::sync::Arc<dyn portal_store::Table> = $make.await;
                $crate::table_contract::$case(table.as_ref()).await;
            }
        )*
    };
}
