use proptest::prelude::*;

use super::*;

fn item(id: &str, qty: &str, price: i64, taxable: bool) -> LineItem {
    LineItem {
        id: id.parse().unwrap_or_else(|_| unreachable!()),
        name: format!("line {id}"),
        description: String::new(),
        quantity: qty.parse().unwrap_or_default(),
        unit_price: price,
        taxable,
    }
}

fn panel_upgrade() -> VersionContent {
    VersionContent {
        title: "Panel upgrade".into(),
        scope: "Replace the main panel".into(),
        items: vec![item("li_permit", "1", 25_000, false), item("li_labor", "6.5", 9_500, false)],
        groups: vec![
            OptionGroup {
                id: "grp_panel".parse().unwrap_or_else(|_| unreachable!()),
                name: "Panel size".into(),
                kind: GroupKind::OneOf,
                options: vec![
                    EstimateOption {
                        id: "opt_100a".parse().unwrap_or_else(|_| unreachable!()),
                        name: "100 A".into(),
                        description: String::new(),
                        items: vec![item("li_p100", "1", 85_000, true)],
                        recommended: false,
                    },
                    EstimateOption {
                        id: "opt_200a".parse().unwrap_or_else(|_| unreachable!()),
                        name: "200 A".into(),
                        description: String::new(),
                        items: vec![item("li_p200", "1", 140_000, true)],
                        recommended: true,
                    },
                ],
            },
            OptionGroup {
                id: "grp_addons".parse().unwrap_or_else(|_| unreachable!()),
                name: "Add-ons".into(),
                kind: GroupKind::AnyOf,
                options: vec![EstimateOption {
                    id: "opt_surge".parse().unwrap_or_else(|_| unreachable!()),
                    name: "Whole-home surge protector".into(),
                    description: String::new(),
                    items: vec![item("li_surge", "1", 32_500, true)],
                    recommended: false,
                }],
            },
        ],
        tax_rate: "8.25".parse().unwrap_or_default(),
        deposit: Some(DepositRule::Percent { percent: "25".parse().unwrap_or_default() }),
        terms: "Net 15".into(),
        valid_until: jiff::civil::date(2026, 12, 31),
        currency: Currency::usd(),
    }
}

fn pick(groups: &[(&str, &[&str])]) -> Selection {
    Selection(
        groups
            .iter()
            .map(|(g, opts)| {
                (g.parse().unwrap_or_else(|_| unreachable!()), opts.iter().map(|o| o.parse().unwrap_or_else(|_| unreachable!())).collect())
            })
            .collect(),
    )
}

/// Totals of content the test knows is within bounds.
fn priced(c: &VersionContent, s: &Selection) -> Totals {
    totals(c, s).unwrap_or_else(|_| unreachable!("within bounds"))
}

#[test]
fn enormous_lines_are_refused_by_field_and_never_priced_wrong() {
    let huge =
        LineItem { quantity: Decimal::from(MAX_QUANTITY), unit_price: MAX_UNIT_PRICE, taxable: true, ..panel_upgrade().items[0].clone() };
    let c = VersionContent { items: vec![huge], groups: vec![], tax_rate: Decimal::ONE_HUNDRED, ..panel_upgrade() };
    let refused = matches!(c.validate(), Err(DomainError::Invalid(f)) if f.0.contains_key("items[0].unit_price"));
    assert!(refused, "the line is named");
    assert!(totals(&c, &Selection::default()).is_ok_and(|t| t.total == 2 * MAX_UNIT_PRICE * MAX_QUANTITY), "exact, not wrapped");
    let many = VersionContent {
        items: (0..47)
            .map(|i| LineItem { id: format!("li_{i}").parse().unwrap_or_else(|_| unreachable!()), ..c.items[0].clone() })
            .collect(),
        ..c.clone()
    };
    assert!(totals(&many, &Selection::default()).is_err(), "47 of them overflow an i64: refused, not wrapped");
}

#[test]
fn prices_the_recommended_choice() {
    let c = panel_upgrade();
    assert!(c.validate().is_ok());
    let t = priced(&c, &c.default_selection());
    // 250.00 + 6.5 x 95.00 = 617.50 + 1400.00 = 2267.50; tax 8.25 % of 1400.00 = 115.50
    assert_eq!(t, Totals { subtotal: 226_750, taxable_subtotal: 140_000, tax: 11_550, total: 238_300, deposit: 59_575 });
}

#[test]
fn add_ons_and_other_options_change_the_total() {
    let c = panel_upgrade();
    let s = pick(&[("grp_panel", &["opt_100a"]), ("grp_addons", &["opt_surge"])]);
    assert!(check_selection(&c, &s).is_ok());
    let t = priced(&c, &s);
    assert_eq!(t.subtotal, 25_000 + 61_750 + 85_000 + 32_500);
    assert_eq!(t.tax, 9_694); // 8.25 % of 1175.00 = 96.9375 -> 96.94
}

#[test]
fn selections_must_fit_the_groups() {
    let c = panel_upgrade();
    for (s, why) in [
        (pick(&[]), "pick-one group left empty"),
        (pick(&[("grp_panel", &["opt_100a", "opt_200a"])]), "two options in a pick-one group"),
        (pick(&[("grp_panel", &["opt_surge"])]), "option from another group"),
        (pick(&[("grp_panel", &["opt_100a"]), ("grp_nope", &[])]), "unknown group"),
        (pick(&[("grp_panel", &["opt_100a"]), ("grp_addons", &["opt_surge", "opt_surge"])]), "same add-on twice"),
    ] {
        assert!(check_selection(&c, &s).is_err(), "{why} should be rejected");
    }
}

#[test]
fn invalid_content_names_the_fields() {
    let mut c = panel_upgrade();
    c.items[0].quantity = Decimal::ZERO;
    c.tax_rate = Decimal::from(101);
    c.groups[1].options[0].items[0].id = c.items[1].id.clone();
    let Err(DomainError::Invalid(fields)) = c.validate() else { panic!("expected invalid") };
    assert!(fields.0.contains_key("items[0].quantity"));
    assert!(fields.0.contains_key("tax_rate"));
    assert!(fields.0.contains_key("groups[1].options[0].items[0].id"));
}

#[test]
fn fingerprint_changes_with_any_content_change() {
    let c = panel_upgrade();
    let mut d = c.clone();
    assert_eq!(c.fingerprint(), d.fingerprint());
    d.items[1].unit_price += 1;
    assert_ne!(c.fingerprint(), d.fingerprint());
}

#[test]
fn diff_shows_added_removed_and_changed_lines() {
    let v1 = EstimateVersion {
        number: 1,
        created_at: Timestamp::UNIX_EPOCH,
        sent_at: None,
        note: None,
        fingerprint: String::new(),
        content: panel_upgrade(),
    };
    let mut v2 = v1.clone();
    v2.number = 2;
    v2.content.items[1].quantity = "8".parse().unwrap_or_default();
    v2.content.items.remove(0);
    v2.content.items.push(item("li_cleanup", "1", 5_000, false));
    v2.content.terms = "Net 30".into();
    let d = diff(&v1, &v2).unwrap_or_default();
    assert_eq!(d.added.iter().map(|c| c.item.as_str()).collect::<Vec<_>>(), ["li_cleanup"]);
    assert_eq!(d.removed.iter().map(|c| c.item.as_str()).collect::<Vec<_>>(), ["li_permit"]);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields, ["quantity"]);
    assert!(d.terms_changed && !d.scope_changed);
    assert_eq!(d.total_after - d.total_before, 5_000 - 25_000 + 9_500 * 8 - 61_750);
}

#[test]
fn open_estimates_expire_after_their_last_day() {
    let chicago = jiff::tz::TimeZone::get("America/Chicago").unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |s: &str| s.parse::<Timestamp>().unwrap_or(Timestamp::UNIX_EPOCH);
    let e = Estimate {
        id: "est_1".parse().unwrap_or_else(|_| unreachable!()),
        tenant: "ten_1".parse().unwrap_or_else(|_| unreachable!()),
        account: "acc_1".parse().unwrap_or_else(|_| unreachable!()),
        property: None,
        number: "E-1".into(),
        status: EstimateStatus::Viewed,
        current_version: 1,
        title: "t".into(),
        headline_total: 0,
        currency: Currency::usd(),
        valid_until: jiff::civil::date(2026, 12, 31),
        expires_at: end_of_day(jiff::civil::date(2026, 12, 31), &chicago),
        created_at: Timestamp::UNIX_EPOCH,
        sent_at: None,
        first_viewed_at: None,
        decided_at: None,
        update_requested_at: None,
        time_zone: "America/Chicago".into(),
        site: None,
        job: None,
        rev: 1,
    };
    // 11:59 pm on the last day in Chicago is 05:59 UTC the next day: still valid.
    assert_eq!(e.effective_status(at("2027-01-01T05:59:00Z")), EstimateStatus::Viewed);
    assert_eq!(e.effective_status(at("2027-01-01T06:00:00Z")), EstimateStatus::Expired);
    let approved = Estimate { status: EstimateStatus::Approved, ..e };
    assert_eq!(approved.effective_status(at("2027-02-01T00:00:00Z")), EstimateStatus::Approved);
}

/// A `w` x `h` RGBA PNG as a data URL, transparent but for `ink` (x, y) pixels in near-black.
fn drawn(w: u32, h: u32, ink: &[(u32, u32)]) -> String {
    use base64::Engine;
    let mut pixels = vec![0u8; (w * h * 4) as usize];
    for &(x, y) in ink {
        let i = ((y * w + x) * 4) as usize;
        pixels[i..i + 4].copy_from_slice(&[17, 17, 17, 255]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder.write_header().and_then(|mut wr| wr.write_image_data(&pixels));
    assert!(written.is_ok());
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(out))
}

#[test]
fn a_signature_is_a_decodable_png_with_ink_on_it() {
    let stroke: Vec<(u32, u32)> = (20..220).flat_map(|x| (0..4).map(move |d| (x, 40 + (x / 10) % 8 + d))).collect();
    assert!(check_signature_png(&drawn(300, 100, &stroke)).is_ok(), "a stroke across the pad");
    let field = |r: Result<(), DomainError>| match r {
        Err(DomainError::Invalid(f)) => f.0.get("signature_png").map(|m| m.join(" ")).unwrap_or_default(),
        other => format!("{other:?}"),
    };
    let cases = [
        ("a blank pad", drawn(300, 100, &[])),
        ("a tap", drawn(300, 100, &[(50, 50), (51, 50), (50, 51), (51, 51)])),
        ("a 1 x 1 image", drawn(1, 1, &[(0, 0)])),
        ("a solid block", drawn(100, 40, &(0..100).flat_map(|x| (0..40).map(move |y| (x, y))).collect::<Vec<_>>())),
        ("only the PNG signature", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA".to_string()),
        ("a GIF", "data:image/png;base64,R0lGODlhAQABAAAAACw=".to_string()),
        ("not base64", "data:image/png;base64,!!!!".to_string()),
        ("an SVG", "data:image/svg+xml;base64,PHN2Zz4=".to_string()),
        ("too long", format!("data:image/png;base64,{}", "A".repeat(MAX_SIGNATURE_URL))),
    ];
    for (case, url) in cases {
        let message = field(check_signature_png(&url));
        assert!(!message.is_empty() && !message.contains("Ok"), "{case}: {message}");
    }
    assert!(field(check_signature_png(&drawn(300, 100, &[]))).contains("no signature"));
}

#[test]
fn signer_names_are_checked() {
    assert!(check_signer_name("  ").is_err());
    assert!(check_signer_name("--").is_err());
    assert_eq!(check_signer_name(" Dana Whitfield ").ok().as_deref(), Some("Dana Whitfield"));
}

const EVENTS: [EstimateEvent; 8] = [
    EstimateEvent::Send,
    EstimateEvent::View,
    EstimateEvent::Approve,
    EstimateEvent::Decline,
    EstimateEvent::RequestChanges,
    EstimateEvent::Revise,
    EstimateEvent::Expire,
    EstimateEvent::Void,
];

#[test]
fn approval_is_only_possible_while_open() {
    for s in EstimateStatus::ALL {
        assert_eq!(transition(s, EstimateEvent::Approve).is_ok(), s.is_open(), "approve from {s:?}");
    }
}

fn arb_item() -> impl Strategy<Value = LineItem> {
    (1i64..1_000_000, 0u32..=3, -50_000i64..5_000_000, any::<bool>()).prop_map(|(q, scale, price, taxable)| LineItem {
        id: "li_x".parse().unwrap_or_else(|_| unreachable!()),
        name: "x".into(),
        description: String::new(),
        quantity: Decimal::new(q, scale),
        unit_price: price,
        taxable,
    })
}

proptest! {
    #[test]
    fn totals_add_up(items in prop::collection::vec(arb_item(), 1..20), rate in 0u32..=150_000, pct in 1u32..=100) {
        let content = VersionContent {
            items,
            groups: vec![],
            tax_rate: Decimal::new(i64::from(rate), 4) ,
            deposit: Some(DepositRule::Percent { percent: Decimal::from(pct) }),
            ..panel_upgrade()
        };
        let t = priced(&content, &Selection::default());
        let sum: i64 = content.items.iter().map(LineItem::amount).sum();
        prop_assert_eq!(t.subtotal, sum);
        prop_assert!(t.tax >= 0);
        prop_assert!(t.total >= 0);
        prop_assert!(t.deposit >= 0 && t.deposit <= t.total);
        if t.subtotal + t.tax >= 0 { prop_assert_eq!(t.total, t.subtotal + t.tax); }
        // Tax is rounded once: within half a minor unit of the exact value.
        let exact = Decimal::from(t.taxable_subtotal.max(0)) * content.tax_rate / Decimal::ONE_HUNDRED;
        prop_assert!((Decimal::from(t.tax) - exact).abs() <= Decimal::new(5, 1));
    }

    /// Extreme inputs: content is refused with the offending fields named, or every total
    /// adds up exactly within the bounds; nothing panics, wraps or saturates.
    #[test]
    fn extreme_estimates_are_refused_or_priced_exactly(
        lines in prop::collection::vec((prop_oneof![1i64..=MAX_QUANTITY, Just(MAX_QUANTITY)], prop_oneof![-MAX_UNIT_PRICE..=MAX_UNIT_PRICE, 1i64..=100_000, Just(MAX_UNIT_PRICE), Just(i64::MIN), Just(i64::MAX)], any::<bool>()), 1..50),
        rate in 0u32..=100,
    ) {
        let items: Vec<LineItem> = lines.iter().enumerate().map(|(i, (q, p, t))| LineItem {
            id: format!("li_{i}").parse().unwrap_or_else(|_| unreachable!()),
            name: "x".into(), description: String::new(), quantity: Decimal::from(*q), unit_price: *p, taxable: *t,
        }).collect();
        let content = VersionContent { items, groups: vec![], tax_rate: Decimal::from(rate), ..panel_upgrade() };
        let priced = totals(&content, &Selection::default());
        match content.validate() {
            Ok(()) => {
                let t = priced.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert!(t.subtotal.abs() <= crate::money::MAX_AMOUNT && t.total <= 2 * crate::money::MAX_AMOUNT);
                if t.subtotal + t.tax >= 0 { prop_assert_eq!(t.total, t.subtotal + t.tax); }
            }
            Err(DomainError::Invalid(f)) => prop_assert!(f.0.keys().all(|k| k.starts_with("items")), "{:?}", f),
            Err(other) => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn each_line_is_rounded_once(item in arb_item()) {
        let exact = Decimal::from(item.unit_price) * item.quantity;
        prop_assert!((Decimal::from(item.amount()) - exact).abs() <= Decimal::new(5, 1));
    }

    #[test]
    fn non_taxable_lines_never_change_tax(extra in arb_item()) {
        let base = panel_upgrade();
        let mut more = base.clone();
        more.items.push(LineItem { taxable: false, ..extra });
        let sel = base.default_selection();
        prop_assert_eq!(priced(&base, &sel).tax, priced(&more, &sel).tax);
    }

    #[test]
    fn no_sequence_of_events_approves_twice_or_leaves_void(seq in prop::collection::vec(0usize..8, 0..40)) {
        let mut status = EstimateStatus::Draft;
        let mut approvals = 0;
        let mut voided = false;
        for i in seq {
            let event = EVENTS[i];
            if let Ok(next) = transition(status, event) {
                prop_assert!(!voided, "nothing leaves void");
                if event == EstimateEvent::Approve { approvals += 1; }
                if next == EstimateStatus::Void { voided = true; }
                prop_assert!(status != EstimateStatus::Approved || next == EstimateStatus::Void, "approved only goes to void");
                status = next;
            }
        }
        prop_assert!(approvals <= 1);
    }
}
