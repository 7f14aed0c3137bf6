//! Backpropagation against central finite differences, and the relu'(0) = 0
//! convention on a hand-computed example.
// spec: ALG-BACKPROP

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, StandardNormal};
use relu_trainability::sim::{Dataset, Layer, Network};
use relu_trainability::train::{loss, loss_and_gradients};

fn random_net(rng: &mut ChaCha8Rng, d: usize, hidden: &[usize], out: usize) -> Network {
    let mut dims = vec![d];
    dims.extend_from_slice(hidden);
    dims.push(out);
    let layers = dims
        .windows(2)
        .map(|w| {
            let s = Normal::new(0.0, (2.0 / w[0] as f64).sqrt()).unwrap();
            Layer {
                weight: DMatrix::from_fn(w[1], w[0], |_, _| s.sample(rng)),
                bias: DVector::from_fn(w[1], |_, _| 0.3 * rng.sample::<f64, _>(StandardNormal)),
            }
        })
        .collect();
    Network::new(layers).unwrap()
}

/// Reads (and optionally overwrites) one parameter; returns the old value.
fn param(net: &mut Network, l: usize, is_b: bool, i: usize, set: Option<f64>) -> f64 {
    let layer = &mut net.layers_mut()[l];
    let p = if is_b {
        &mut layer.bias[i]
    } else {
        &mut layer.weight[i]
    };
    let old = *p;
    if let Some(v) = set {
        *p = v;
    }
    old
}

fn pattern(net: &Network, data: &Dataset) -> Vec<bool> {
    let f = net.forward(data).unwrap();
    f.pre
        .iter()
        .flat_map(|z| z.iter().map(|&v| v > 0.0).collect::<Vec<_>>())
        .collect()
}

/// Within one activation pattern the MSE (+ L2) is a quadratic polynomial in
/// any single parameter, so central differences are exact up to rounding:
/// the tolerance below is rounding-level, and any wrong term in backprop
/// (a missing factor 2, a transposed matrix, a wrong mask) exceeds it by
/// orders of magnitude.
#[test]
fn gradients_match_central_differences() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let h = 1e-5;
    let mut checked = 0;
    for case in 0..40 {
        let d = 1 + case % 3;
        let hidden: Vec<usize> = (0..1 + case % 4).map(|i| 2 + (case + i) % 4).collect();
        let out = 1 + case % 2;
        let mut net = random_net(&mut rng, d, &hidden, out);
        let m = 5 + case % 6;
        let data = Dataset::new(DMatrix::from_fn(m, d, |_, _| rng.sample(StandardNormal))).unwrap();
        let targets = DMatrix::from_fn(m, out, |_, _| rng.sample(StandardNormal));
        let l2 = if case % 2 == 0 { 0.0 } else { 0.05 };
        let fwd = net.forward(&data).unwrap();
        let (_, total, g) = loss_and_gradients(&net, &data, &fwd, &targets, l2);
        assert!((total - loss(&net, &data, &targets, l2).unwrap()).abs() <= 1e-12 * total.max(1.0));
        let base = pattern(&net, &data);
        let nl = net.layers().len();
        for l in 0..nl {
            let (gw, gb) = &g.layers[l];
            let (r, c) = gw.shape();
            // (is_bias, index)
            let idx: Vec<(bool, usize)> = (0..r * c)
                .map(|i| (false, i))
                .chain((0..r).map(|i| (true, i)))
                .collect();
            for (is_b, i) in idx {
                let orig = param(&mut net, l, is_b, i, None);
                param(&mut net, l, is_b, i, Some(orig + h));
                let same_plus = pattern(&net, &data) == base;
                let lp = loss(&net, &data, &targets, l2).unwrap();
                param(&mut net, l, is_b, i, Some(orig - h));
                let same_minus = pattern(&net, &data) == base;
                let lm = loss(&net, &data, &targets, l2).unwrap();
                param(&mut net, l, is_b, i, Some(orig));
                if !(same_plus && same_minus) {
                    continue; // a kink within +-h: finite differences do not apply
                }
                let fd = (lp - lm) / (2.0 * h);
                let an = if is_b { gb[i] } else { gw[i] };
                let tol = 1e-7 * (1.0 + total) + 1e-6 * an.abs();
                assert!(
                    (fd - an).abs() <= tol,
                    "case {case} layer {l} bias={is_b} idx {i}: fd {fd} vs backprop {an}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} parameters checked");
}

/// relu'(0) = 0: with x = {0, 1}, h = relu(x), f = v h + c, the point x = 0
/// sits exactly on the kink and contributes nothing to dL/db1 or dL/dw1.
/// By hand (m = 2, L = (1/2) sum r_i^2, r_i = f(x_i) - y_i):
/// dL/db1 = r_2 v, dL/dw1 = r_2 v * 1, dL/dv = r_2 * 1, dL/dc = r_1 + r_2.
#[test]
fn relu_derivative_at_zero_is_zero() {
    let (v, c) = (3.0, 0.5);
    let net = Network::new(vec![
        Layer {
            weight: DMatrix::from_element(1, 1, 1.0),
            bias: DVector::from_element(1, 0.0),
        },
        Layer {
            weight: DMatrix::from_element(1, 1, v),
            bias: DVector::from_element(1, c),
        },
    ])
    .unwrap();
    let data = Dataset::new(DMatrix::from_column_slice(2, 1, &[0.0, 1.0])).unwrap();
    let y = DMatrix::from_column_slice(2, 1, &[2.0, -1.0]);
    let fwd = net.forward(&data).unwrap();
    let (mse, _, g) = loss_and_gradients(&net, &data, &fwd, &y, 0.0);
    let r1 = c - 2.0; // f(0) = c
    let r2 = v + c + 1.0; // f(1) = v + c
    assert_eq!(mse, (r1 * r1 + r2 * r2) / 2.0);
    assert_eq!(g.layers[0].1[0], r2 * v);
    assert_eq!(g.layers[0].0[0], r2 * v);
    assert_eq!(g.layers[1].0[0], r2);
    assert_eq!(g.layers[1].1[0], r1 + r2);
}
