//! Side-by-side Monte Carlo, He normal vs data-dependent, on the same data
//! (the README table; insta snapshot with fixed seeds). The snapshot is a
//! regression guard of the engine's own output, not a proof: every value in
//! it is also checked here against an independent reference (the He column
//! recounted network by network with the reference census, its PD and
//! born-dead fractions against the exact law; the data-dependent column
//! against THM-DD-ACTIVE).
// spec: THM-DD-ACTIVE, ALG-DD-INIT, THM-CHAIN, THM-PD-IMPLIES-DEAD, THM-BORN-DEAD-LAST

use num_rational::BigRational;
use num_traits::Zero;
use relu_trainability::census::census;
use relu_trainability::exact::{dyadic_chain, BiasMode, ChainSpec};
use relu_trainability::init::compare::{comparison_table, he_vs_data_dependent, Comparison};
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::sample_rng;
use relu_trainability::rational::to_f64;
use relu_trainability::sim::Dataset;
use relu_trainability::stats::binomial::{binomial_lower_tail, binomial_upper_tail};

/// The He column recomputed network by network: sample i drawn by
/// `init::initialize` from stream i of the seed (ALG-MC-SEEDS) and counted
/// by the reference census (not the Monte Carlo fast census).
fn he_recount(c: &Comparison, data: &Dataset, seed: u64) {
    let arch = Architecture::new(2, c.widths.clone(), 1).unwrap();
    let scheme = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    let depth = c.widths.len();
    let (mut dead, mut pd, mut born_dead) = (vec![0u64; depth], vec![0u64; depth], 0u64);
    for i in 0..c.he.samples {
        let net = initialize(&scheme, &arch, data, &mut sample_rng(seed, i)).unwrap();
        let cen = census(&net, data).unwrap();
        for (l, lc) in cen.layers.iter().enumerate() {
            dead[l] += lc.dead() as u64;
            pd[l] += lc.permanently_dead() as u64;
        }
        born_dead += u64::from(cen.born_dead());
    }
    for l in 0..depth {
        let total = (c.widths[l] as u64 * c.he.samples) as f64;
        assert!(
            (c.he.dead[l] * total - dead[l] as f64).abs() < 1e-6,
            "layer {l} dead"
        );
        assert!(
            (c.he.pd[l] * total - pd[l] as f64).abs() < 1e-6,
            "layer {l} pd"
        );
    }
    assert!((c.he.born_dead * c.he.samples as f64 - born_dead as f64).abs() < 1e-6);
}

/// The He PD fractions and born-dead rate against THM-CHAIN (zero bias,
/// q1 = 0: the 32 points surround the origin, layer 1 has no PD neuron).
/// Per layer, the mean PD fraction over the samples has mean 1 - E[K_l]/N_l
/// and variance Var(K_l) / (N_l^2 samples) from the exact law: |z| <= 5.33
/// (two-sided 1e-7, normal approximation with 4000 samples). Born dead
/// count ~ Binomial(samples, P(K_last = 0)) exactly: both one-sided exact
/// tails >= 1e-7. Returns the largest |z| under the symmetric-bias law
/// (the companion wrong law).
fn he_against_the_law(c: &Comparison) -> f64 {
    let n = c.he.samples as f64;
    let moments = |mode: BiasMode| -> Vec<(f64, f64)> {
        let spec = ChainSpec::new(c.widths.clone(), mode, BigRational::zero()).unwrap();
        dyadic_chain::law(&spec, None)
            .layers
            .iter()
            .map(|d| {
                let p: Vec<f64> = d.iter().map(to_f64).collect();
                let m: f64 = p.iter().enumerate().map(|(k, q)| k as f64 * q).sum();
                let v: f64 = p
                    .iter()
                    .enumerate()
                    .map(|(k, q)| (k as f64 - m).powi(2) * q)
                    .sum();
                (m, v)
            })
            .collect()
    };
    let z = |mode: BiasMode| -> f64 {
        moments(mode)
            .iter()
            .enumerate()
            .filter(|(_, (_, v))| *v > 0.0)
            .map(|(l, (m, v))| {
                let nl = c.widths[l] as f64;
                let expect = 1.0 - m / nl;
                ((c.he.pd[l] - expect) / (v / (nl * nl * n)).sqrt()).abs()
            })
            .fold(0.0, f64::max)
    };
    let z_right = z(BiasMode::Zero);
    assert!(z_right <= 5.33, "PD fractions off the law: |z| = {z_right}");
    let spec = ChainSpec::new(c.widths.clone(), BiasMode::Zero, BigRational::zero()).unwrap();
    let p_bd = to_f64(&dyadic_chain::born_dead(&spec));
    let k = (c.he.born_dead * n).round() as u64;
    let (hi, lo) = (
        binomial_upper_tail(k, c.he.samples, p_bd).unwrap(),
        binomial_lower_tail(k, c.he.samples, p_bd).unwrap(),
    );
    assert!(
        hi >= 1e-7 && lo >= 1e-7,
        "born dead {k}/{n} vs {p_bd}: {hi} {lo}"
    );
    z(BiasMode::Symmetric)
}

fn table(threads: usize, references: bool) -> String {
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
        if references {
            he_recount(&c, &data, 11);
            // companion: the symmetric-bias law is rejected where it
            // differs visibly (PD probability 2^-(p+1) vs 2^-p; for widths
            // 16 both are below 2e-5 and 4000 samples cannot tell them apart)
            let z_wrong = he_against_the_law(&c);
            if c.widths.iter().all(|&w| w <= 8) {
                assert!(z_wrong > 5.33, "{:?}: wrong law not rejected", c.widths);
            }
        }
        out += &comparison_table(&c);
        out += "\n";
    }
    out
}

#[test]
fn he_vs_data_dependent_table() {
    let t = table(2, true);
    assert_eq!(t, table(1, false), "bit-identical for any thread count");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("he_vs_data_dependent", t);
    });
}
