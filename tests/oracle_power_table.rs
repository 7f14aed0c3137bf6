//! The sample-size table quoted in spec/50-oracle.md (ALG-POWER) is what
//! `oracle::power::reference_table` computes; regenerate it with
//! `UPDATE_POWER_TABLE=1 cargo test --release --test oracle_power_table`.
// spec: ALG-POWER

use relu_trainability::oracle::power::{reference_table, render_markdown};

const START: &str = "<!-- power-table:start -->\n";
const END: &str = "<!-- power-table:end -->";

#[test]
fn spec_table_is_current() {
    let table = render_markdown(&reference_table().unwrap());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/50-oracle.md");
    let spec = std::fs::read_to_string(path).unwrap();
    let (a, rest) = spec
        .split_once(START)
        .expect("spec/50-oracle.md lacks the power-table start marker");
    let (old, b) = rest
        .split_once(END)
        .expect("spec/50-oracle.md lacks the power-table end marker");
    if old != table {
        if std::env::var("UPDATE_POWER_TABLE").is_ok() {
            std::fs::write(path, format!("{a}{START}{table}{END}{b}")).unwrap();
        } else {
            panic!("the power table in spec/50-oracle.md is stale; current table:\n{table}");
        }
    }
    // sanity of the content: every detectable row needs more samples for 0.99 than for 0.9
    for r in reference_table().unwrap() {
        if let (Some(a), Some(b)) = (r.n_power_90, r.n_power_99) {
            assert!(a <= b, "{r:?}");
        }
    }
}

/// The reading quoted under the table: 1000 sampled networks of widths
/// 8,8,8 (q1 = 1/2, either bias mode) detect every listed deviation with
/// power above 0.99 at alpha = 1e-3.
#[test]
fn thousand_samples_suffice_for_8_8_8() {
    use relu_trainability::exact::{BiasMode, ChainSpec};
    use relu_trainability::oracle::power::{power, standard_deviations};
    for b in [BiasMode::Zero, BiasMode::Symmetric] {
        let h0 = ChainSpec::parse(vec![8, 8, 8], b, "1/2").unwrap();
        for dev in standard_deviations(&h0) {
            let p = power(&h0, &dev.apply(&h0).unwrap(), 1000, 1e-3).unwrap();
            assert!(p > 0.99, "{b:?} {}: power {p}", dev.label());
        }
    }
}
