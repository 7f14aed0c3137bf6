//! Side-by-side Monte Carlo, He normal vs data-dependent, on the same data
//! (the README table; insta snapshot with fixed seeds).
// spec: THM-DD-ACTIVE, ALG-DD-INIT, THM-CHAIN, THM-PD-IMPLIES-DEAD

use relu_trainability::init::compare::{comparison_table, he_vs_data_dependent};
use relu_trainability::init::Architecture;
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::sample_rng;

fn table(threads: usize) -> String {
    let data = load_data("ball:1:32", 2, &mut sample_rng(7, u64::MAX)).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut out = String::new();
    for hidden in [vec![4; 10], vec![16, 16, 16], vec![2, 8, 2, 8]] {
        let arch = Architecture::new(2, hidden, 1).unwrap();
        let c = pool
            .install(|| he_vs_data_dependent(&arch, &data, 4000, 100, 11))
            .unwrap();
        // THM-DD-ACTIVE: never a dead neuron, whatever the seed.
        assert!(c.data_dependent.dead.iter().all(|&f| f == 0.0));
        assert!(c.data_dependent.pd.iter().all(|&f| f == 0.0));
        assert_eq!(c.data_dependent.born_dead, 0.0);
        // PD neurons are dead (THM-PD-IMPLIES-DEAD), in the He column too.
        assert!(c.he.pd.iter().zip(&c.he.dead).all(|(p, d)| p <= d));
        // The He column agrees with THM-CHAIN (zero bias): the ball
        // surrounds the origin so q1 = 0, K_1 = N_1 surely, and the number of
        // PD neurons of layer 2 over all samples is exactly
        // Binomial(N_2 * samples, 2^-N_1). Normal-approximation z-test,
        // |z| <= 5.33 (two-sided alpha = 1e-7 <= 1e-6); the companion is the
        // symmetric-bias law 2^-(N_1+1), which the same test must reject.
        assert_eq!(c.he.pd[0], 0.0);
        // Only where the normal approximation holds (n p >= 500).
        if c.widths.len() >= 2
            && (c.widths[1] as f64) * 4000.0 * 2f64.powi(-(c.widths[0] as i32)) >= 500.0
        {
            let n = (c.widths[1] as f64) * 4000.0;
            let z = |p: f64| (c.he.pd[1] - p) / (p * (1.0 - p) / n).sqrt();
            let n1 = c.widths[0] as i32;
            assert!(z(2f64.powi(-n1)).abs() <= 5.33, "z = {}", z(2f64.powi(-n1)));
            assert!(z(2f64.powi(-n1 - 1)).abs() > 5.33, "wrong law not rejected");
        }
        out += &comparison_table(&c);
        out += "\n";
    }
    out
}

#[test]
fn he_vs_data_dependent_table() {
    let t = table(2);
    assert_eq!(t, table(1), "bit-identical for any thread count");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("he_vs_data_dependent", t);
    });
}
