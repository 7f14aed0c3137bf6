//! insta snapshots (in snapshots/) of exact tables. The snapshots are
//! regression guards of the engine's own output, not proofs: every
//! snapshotted value is independently checked against the plain-rational
//! reference here before being snapshotted, so a snapshot diff means the
//! law itself changed.

use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use relu_trainability::cli::exact_cmd::born_dead_table;
use relu_trainability::exact::{dyadic_chain, rational_chain, report, BiasMode, ChainSpec};
use relu_trainability::rational::to_pq;

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!($name, $value);
        });
    };
}

// spec: THM-CHAIN, ALG-DYADIC
#[test]
fn snapshot_full_distribution_3_3_3() {
    for bias in [BiasMode::Zero, BiasMode::Symmetric] {
        let spec = ChainSpec::new(vec![3, 3, 3], bias, BigRational::zero()).unwrap();
        assert_eq!(
            dyadic_chain::law(&spec, None),
            rational_chain::law(&spec, None)
        );
        let v = report::exact_json_with_logs(&spec, Some(&[2, 1, 1])).unwrap();
        // Every snapshotted field against the plain-rational reference; the
        // f64 companions are exact here (denominators are powers of 2 <= 2^18).
        let reference = rational_chain::law(&spec, None);
        let f = |r: &BigRational| r.numer().to_f64().unwrap() / r.denom().to_f64().unwrap();
        for (l, d) in reference.layers.iter().enumerate() {
            let strings: Vec<String> = d.iter().map(to_pq).collect();
            assert_eq!(v["layers"][l]["distribution"], serde_json::json!(strings));
            let floats: Vec<f64> = d.iter().map(f).collect();
            assert_eq!(
                v["layers"][l]["distribution_f64"],
                serde_json::json!(floats)
            );
        }
        let bd = &reference.layers[2][0];
        assert_eq!(v["born_dead"], serde_json::json!(to_pq(bd)));
        assert_eq!(v["born_dead_f64"].as_f64(), Some(f(bd)));
        let t = rational_chain::law(&spec, Some(&[2, 1, 1])).layers[2]
            .iter()
            .fold(BigRational::zero(), |a, x| a + x);
        assert_eq!(v["trainability"], serde_json::json!(to_pq(&t)));
        assert_eq!(v["trainability_f64"].as_f64(), Some(f(&t)));
        assert_eq!(v["q1"], "0/1");
        assert_eq!(v["bias"], bias.name());
        // the log10 companions against f64 logs of the reference (exact
        // dyadics here), then left out of the snapshot (libm-dependent digits)
        let close = |x: &serde_json::Value, r: &BigRational| {
            if r.is_zero() {
                x.is_null()
            } else {
                (x.as_f64().unwrap() - f(r).log10()).abs() <= 1e-14
            }
        };
        assert!(close(&v["born_dead_log10"], bd));
        assert!(close(&v["trainability_log10"], &t));
        let mut v = v;
        for (l, d) in reference.layers.iter().enumerate() {
            for (k, r) in d.iter().enumerate() {
                assert!(close(&v["layers"][l]["distribution_log10"][k], r));
            }
            v["layers"][l]
                .as_object_mut()
                .unwrap()
                .remove("distribution_log10");
        }
        for key in ["born_dead_log10", "trainability_log10"] {
            v.as_object_mut().unwrap().remove(key);
        }
        snap!(format!("distribution_3_3_3_{}", bias.name()), v);
    }
}

// spec: DEF-BORN-DEAD, THM-DEPTH-DEATH
#[test]
fn snapshot_born_dead_table_widths_1_to_8_depths_1_to_10() {
    let table = born_dead_table(8, 10, &BigRational::zero()).unwrap();
    for (bias, rows) in &table {
        for (w, row) in rows.iter().enumerate() {
            let spec = ChainSpec::new(vec![w + 1; 10], *bias, BigRational::zero()).unwrap();
            let reference = rational_chain::law(&spec, None);
            for (d, p) in row.iter().enumerate() {
                assert_eq!(p, &reference.layers[d][0]);
            }
        }
        let strings: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(to_pq).collect()).collect();
        snap!(format!("born_dead_table_{}", bias.name()), strings);
    }
}
