//! The census on hand-built networks whose states follow directly from the
//! definitions (each expected state is derived in a comment).

use nalgebra::{DMatrix, DVector};
use relu_trainability::census::{census, NeuronState::*};
use relu_trainability::exact::{dyadic_chain, BiasMode, ChainSpec};
use relu_trainability::sim::{Dataset, Layer, Network};

fn layer(rows: &[&[f64]], bias: &[f64]) -> Layer {
    let n = rows.len();
    let m = rows[0].len();
    Layer {
        weight: DMatrix::from_fn(n, m, |i, j| rows[i][j]),
        bias: DVector::from_column_slice(bias),
    }
}

fn data_1d(xs: &[f64]) -> Dataset {
    Dataset::new(DMatrix::from_column_slice(xs.len(), 1, xs)).unwrap()
}

// spec: DEF-NETWORK, DEF-DEAD, DEF-ACTIVE, DEF-PD, DEF-TD, THM-PD-IMPLIES-DEAD
#[test]
fn states_follow_the_definitions() {
    let x = data_1d(&[-1.0, 0.0, 1.0]);
    let l1 = layer(
        &[&[1.0], &[1.0], &[0.0], &[1.0]],
        // relu(x) = (0,0,1): active; x - 5 <= 0 on X: PD;
        // 0 x + 1 = 1 > 0 constant: dead, not PD -> TD; x - 1 = (-2,-1,0) <= 0: PD (0 counts)
        &[0.0, -5.0, 1.0, -1.0],
    );
    let l2 = layer(
        &[
            // b <= 0, weights on non-PD inputs {0, 2} are <= 0: PD although w = 5 on a PD input
            &[0.0, 5.0, -2.0, 7.0],
            // b = 1 > 0: not PD; z = 1 - relu(x) - 1 = -relu(x) <= 0: constant 0, so TD
            &[-1.0, 0.0, -1.0, 0.0],
            // z = 2 relu(x) - 1 = (-1,-1,1): active
            &[2.0, 0.0, 0.0, 0.0],
        ],
        &[0.0, 1.0, -1.0],
    );
    let out = layer(&[&[1.0, 1.0, 1.0]], &[0.0]);
    let net = Network::new(vec![l1, l2, out]).unwrap();
    assert_eq!(net.hidden_widths(), vec![4, 3]);
    let c = census(&net, &x).unwrap();
    assert_eq!(
        c.layers[0].states,
        vec![Active, PermanentlyDead, TentativelyDead, PermanentlyDead]
    );
    assert_eq!(
        c.layers[1].states,
        vec![PermanentlyDead, TentativelyDead, Active]
    );
    assert_eq!(
        (
            c.layers[0].active(),
            c.layers[0].tentatively_dead(),
            c.layers[0].permanently_dead()
        ),
        (1, 1, 2)
    );
    assert_eq!(c.layers[1].non_pd(), 2);
    assert!(!c.born_dead());
    // PD neurons output exactly 0 (the previous layer is not entirely PD)
    let fwd = net.forward(&x).unwrap();
    for (l, lc) in c.layers.iter().enumerate() {
        for (j, s) in lc.states.iter().enumerate() {
            if *s == PermanentlyDead {
                assert!(fwd.post[l].column(j).iter().all(|&v| v == 0.0));
            }
        }
    }
}

// spec: DEF-PD, DEF-BORN-DEAD, THM-PD-IMPLIES-DEAD
#[test]
fn an_entirely_pd_layer_kills_every_later_layer_even_with_positive_bias() {
    let x = data_1d(&[0.5, 1.0, 2.0]);
    let l1 = layer(&[&[-1.0], &[-2.0]], &[0.0, 0.0]); // z < 0 on X: both PD
                                                      // positive bias: output constant relu(3) = 3 on X: PD by the first clause, and dead
    let l2 = layer(&[&[1.0, 1.0]], &[3.0]);
    let l3 = layer(&[&[1.0]], &[0.0]);
    let out = layer(&[&[1.0]], &[0.0]);
    let net = Network::new(vec![l1, l2, l3, out]).unwrap();
    let c = census(&net, &x).unwrap();
    assert!(c
        .layers
        .iter()
        .all(|l| l.permanently_dead() == l.states.len()));
    assert!(c.born_dead());
    let fwd = net.forward(&x).unwrap();
    assert!(fwd.post[1].iter().all(|&v| v == 3.0));
}

// spec: DEF-TRAINABLE, DEF-BORN-DEAD
#[test]
fn trainable_means_enough_non_pd_neurons_in_every_layer() {
    // Census::trainable (DEF-TRAINABLE) on hand-built networks whose K_l
    // are derived by hand, for every n* in a grid around them: trainable iff
    // n*_l <= K_l in every layer (equality included).
    let x = data_1d(&[-1.0, 0.0, 1.0]);
    let out = |n: usize| layer(&[&vec![1.0; n][..]], &[0.0]);
    // (a) the network of `states_follow_the_definitions`: K = (2, 2).
    let a = Network::new(vec![
        layer(&[&[1.0], &[1.0], &[0.0], &[1.0]], &[0.0, -5.0, 1.0, -1.0]),
        layer(
            &[
                &[0.0, 5.0, -2.0, 7.0],
                &[-1.0, 0.0, -1.0, 0.0],
                &[2.0, 0.0, 0.0, 0.0],
            ],
            &[0.0, 1.0, -1.0],
        ),
        out(3),
    ])
    .unwrap();
    // (b) layer 1: x, -x (active), the constant 1 (TD): K_1 = 3; layer 2:
    // relu(x) copied (active), and b = 0 with weights -1 on every input (PD
    // by the sign clause): K_2 = 1. The second layer is the binding one.
    let b = Network::new(vec![
        layer(&[&[1.0], &[-1.0], &[0.0]], &[0.0, 0.0, 1.0]),
        layer(&[&[1.0, 0.0, 0.0], &[-1.0, -1.0, -1.0]], &[0.0, 0.0]),
        out(2),
    ])
    .unwrap();
    for (net, k) in [(&a, [2usize, 2]), (&b, [3, 1])] {
        let c = census(net, &x).unwrap();
        for n1 in 0..=k[0] + 2 {
            for n2 in 0..=k[1] + 2 {
                let want = n1 <= k[0] && n2 <= k[1];
                assert_eq!(
                    c.trainable(&[n1, n2]).unwrap(),
                    want,
                    "K {k:?} n* ({n1}, {n2})"
                );
            }
        }
        assert!(c.trainable(&[1]).is_err() && c.trainable(&[1, 1, 1]).is_err());
        assert!(!c.born_dead() && c.trainable(&[1, 1]).unwrap());
    }
    // (c) entirely PD first layer (K = (0, 0, 0), born dead): trainable only
    // for n* = 0, and born dead = not trainable for n* = (1, ..., 1).
    let xp = data_1d(&[0.5, 1.0, 2.0]);
    let dead = Network::new(vec![
        layer(&[&[-1.0], &[-2.0]], &[0.0, 0.0]),
        layer(&[&[1.0, 1.0]], &[3.0]),
        layer(&[&[1.0]], &[0.0]),
        out(1),
    ])
    .unwrap();
    let c = census(&dead, &xp).unwrap();
    assert!(c.trainable(&[0, 0, 0]).unwrap());
    for nstar in [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]] {
        assert!(!c.trainable(&nstar).unwrap(), "{nstar:?}");
    }
    assert!(c.born_dead());
}

// spec: DEF-TRAINABILITY, THM-CHAIN
#[test]
fn trainability_of_a_tiny_network_by_hand() {
    // Widths (2, 1), zero bias, q1 = 1/2: K_1 ~ Bin(2, 1/2) = (1/4, 1/2, 1/4);
    // K_2 | K_1 = p ~ Bin(1, 1 - 2^-p). T(1, 1) = 1/2 * 1/2 + 1/4 * 3/4 = 7/16,
    // T(2, 1) = 1/4 * 3/4 = 3/16, T(1, 0) = 3/4.
    let r = |a: i64, b: i64| num_rational::BigRational::new(a.into(), b.into());
    let spec = ChainSpec::new(vec![2, 1], BiasMode::Zero, r(1, 2)).unwrap();
    assert_eq!(dyadic_chain::trainability(&spec, &[1, 1]), r(7, 16));
    assert_eq!(dyadic_chain::trainability(&spec, &[2, 1]), r(3, 16));
    assert_eq!(dyadic_chain::trainability(&spec, &[1, 0]), r(3, 4));
    assert_eq!(dyadic_chain::born_dead(&spec), r(9, 16));
}

#[test]
fn network_shapes_are_validated() {
    let l1 = layer(&[&[1.0, 2.0]], &[0.0]);
    let bad = layer(&[&[1.0, 2.0]], &[0.0]); // expects 2 inputs, previous has 1 output
    assert!(Network::new(vec![l1.clone(), bad]).is_err());
    assert!(Network::new(vec![l1.clone()]).is_err());
    let out = layer(&[&[1.0]], &[0.0]);
    let net = Network::new(vec![l1, out]).unwrap();
    assert!(
        census(&net, &data_1d(&[1.0, 2.0])).is_err(),
        "dimension mismatch"
    );
    assert!(Dataset::new(DMatrix::from_column_slice(1, 1, &[f64::NAN])).is_err());
}

// spec: DEF-MIN-WIDTHS, DEF-BORN-DEAD
#[test]
fn a_layer_without_non_pd_neurons_makes_the_output_constant_whatever_the_other_parameters() {
    // n* = (1, ..., 1) is necessary for any non-constant target: once a layer
    // has K_l = 0, no values of the remaining (non-PD) parameters make the
    // output vary on X. Checked by redrawing every parameter after the dead
    // layer (and the first layer's other neurons) many times.
    use rand::{Rng, SeedableRng};
    let x = data_1d(&[-2.0, -0.5, 0.0, 0.7, 3.0]);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for _ in 0..200 {
        let mut g = |n: usize, m: usize| {
            let w: Vec<Vec<f64>> = (0..n)
                .map(|_| (0..m).map(|_| rng.gen_range(-3.0..3.0)).collect())
                .collect();
            let b: Vec<f64> = (0..n).map(|_| rng.gen_range(-3.0..3.0)).collect();
            (w, b)
        };
        let (w1, b1) = g(3, 1);
        let (w3, b3) = g(4, 2);
        let (wo, bo) = g(1, 4);
        // layer 2: b <= 0 and every weight <= 0, so with layer 1 >= 0 it is entirely PD
        let l2 = layer(&[&[-1.0, -0.5, 0.0], &[-2.0, 0.0, -0.1]], &[-0.5, 0.0]);
        let net = Network::new(vec![
            layer(&rows(&w1), &b1),
            l2,
            layer(&rows(&w3), &b3),
            layer(&rows(&wo), &bo),
        ])
        .unwrap();
        let c = census(&net, &x).unwrap();
        assert_eq!(c.layers[1].non_pd(), 0);
        assert!(c.born_dead());
        let out = net.forward(&x).unwrap().output;
        assert!(out.iter().all(|&v| v == out[0]), "output varies on X");
    }
}

fn rows(w: &[Vec<f64>]) -> Vec<&[f64]> {
    w.iter().map(|r| r.as_slice()).collect()
}
