//! q1 closed forms (THM-Q1-CONE, THM-Q1-POLYTOPE) against values derived by
//! hand in the comments, and the 256-point circle under torch-default.

use relu_trainability::init::{BiasInit, InitScheme, WeightInit};
use relu_trainability::q1::{compute, Q1Options, Q1Value};
use relu_trainability::rational::to_pq;

fn scheme(w: WeightInit, b: BiasInit) -> InitScheme {
    InitScheme::Random {
        weights: w,
        bias: b,
    }
}

fn torch() -> InitScheme {
    InitScheme::from_cli("torch-default", "fan-in").unwrap()
}

fn q(points: &[f64], d: usize, s: &InitScheme) -> Q1Value {
    compute(points, d, s, &Q1Options::default()).unwrap().value
}

fn exact(points: &[f64], d: usize, s: &InitScheme) -> String {
    match q(points, d, s) {
        Q1Value::Exact(r) => to_pq(&r),
        v => panic!("expected an exact value, got {v:?}"),
    }
}

/// f64 value and bound of a bounded result.
fn bounded(points: &[f64], d: usize, s: &InitScheme) -> (f64, f64) {
    match q(points, d, s) {
        Q1Value::Bounded { value, bound } => (value, bound),
        v => panic!("expected a bounded value, got {v:?}"),
    }
}

// spec: THM-Q1-POLYTOPE, ALG-Q1-POLYTOPE, ALG-INIT-TORCH
#[test]
fn torch_default_1d_by_hand() {
    let t = torch();
    // (w, b) uniform on [-1,1]^2 after scaling by sqrt(fan_in) = 1.
    // X = {x}: the half-plane w x + b <= 0 through the centre halves the
    // square (central symmetry), for any x, 0 included.
    for x in [1.0, -3.0, 0.0, 2.0, 1e-300] {
        assert_eq!(exact(&[x], 1, &t), "1/2", "x = {x}");
    }
    // X = {-1, 1}: b <= -|w|, area = int_{-1}^{1} (1 - |w|) dw = 1 of 4.
    assert_eq!(exact(&[-1.0, 1.0], 1, &t), "1/4");
    // X = {1/2, 2}: b <= min(-w/2, -2w). w >= 0: b in [-1, -2w], w <= 1/2:
    // int_0^{1/2} (1 - 2w) = 1/4; w < 0: b in [-1, -w/2]:
    // int_{-1}^0 (1 - w/2) = 5/4. Area 3/2 of 4.
    assert_eq!(exact(&[0.5, 2.0], 1, &t), "3/8");
}

// spec: THM-Q1-POLYTOPE
#[test]
fn uniform_weights_uniform_bias_ratio_by_hand() {
    // He-uniform on d = 1: a = sqrt(6) (its f64), bias U(-2a, 2a) (2a exact
    // in f64): normalized, b' <= -(1/2)|w'| on X = {-1, 1}: area
    // int_{-1}^{1} (1 - |w|/2) dw = 3/2 of 4 = 3/8.
    let a = WeightInit::HeUniform.uniform_bound(1, 7).unwrap();
    let s = scheme(WeightInit::HeUniform, BiasInit::Uniform(2.0 * a));
    assert_eq!(exact(&[-1.0, 1.0], 1, &s), "3/8");
    // ratio r = a/c = 2: b' <= -2|w'|: |w'| <= 1/2, area
    // int_{-1/2}^{1/2} (1 - 2|w|) dw = 1/2 of 4 = 1/8.
    let s = scheme(WeightInit::HeUniform, BiasInit::Uniform(a / 2.0));
    assert_eq!(exact(&[-1.0, 1.0], 1, &s), "1/8");
}

// spec: THM-Q1-POLYTOPE
#[test]
fn zero_bias_uniform_weights_is_not_the_cone_formula() {
    let s = scheme(WeightInit::HeUniform, BiasInit::Zero);
    // X = {(1,0), (2,1)}: w1 <= 0, w2 <= -2 w1 in [-1,1]^2: for w1 <= -1/2
    // all of w2 (length 2), for w1 in (-1/2, 0] length 1 - 2 w1:
    // 1 + 3/4 = 7/4 of 4 = 7/16.
    assert_eq!(exact(&[1.0, 0.0, 2.0, 1.0], 2, &s), "7/16");
    // the cone formula would give (pi - atan(1/2)) / (2 pi) = 0.4262...
    let g = scheme(WeightInit::HeNormal, BiasInit::Zero);
    let (v, _) = bounded(&[1.0, 0.0, 2.0, 1.0], 2, &g);
    let pi = std::f64::consts::PI;
    assert!((v - (pi - 0.5f64.atan()) / (2.0 * pi)).abs() < 1e-15);
    assert!((v - 7.0 / 16.0).abs() > 0.01);
    // 3-D: the same constraints with a free third coordinate: 7/16 again;
    // the octant e1, e2, e3: 1/8; a single direction: 1/2.
    assert_eq!(exact(&[1.0, 0.0, 0.0, 2.0, 1.0, 0.0], 3, &s), "7/16");
    assert_eq!(
        exact(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], 3, &s),
        "1/8"
    );
    assert_eq!(exact(&[0.3, -2.0, 5.0], 3, &s), "1/2");
    // Glorot-uniform and torch-default weights with zero bias: the scale
    // cancels, same fraction
    let s = scheme(WeightInit::TorchDefault, BiasInit::Zero);
    assert_eq!(exact(&[1.0, 0.0, 2.0, 1.0], 2, &s), "7/16");
}

// spec: THM-Q1-CONE, ALG-Q1-CONE
#[test]
fn zero_bias_gaussian_degenerate_cases_are_exact() {
    let g = scheme(WeightInit::HeNormal, BiasInit::Zero);
    let half = "1/2";
    // every point 0: C° = R^d
    assert_eq!(exact(&[0.0, 0.0, 0.0, 0.0], 2, &g), "1/1");
    assert_eq!(exact(&[0.0, 0.0, 0.0], 3, &g), "1/1");
    // one ray (repeated, scaled, with 0 points): a half-space
    assert_eq!(exact(&[1.0, 2.0, 0.0, 0.0, 2.0, 4.0], 2, &g), half);
    assert_eq!(exact(&[1.0, 2.0, 3.0, 0.5, 1.0, 1.5], 3, &g), half);
    // a line (x and -x): C° lower-dimensional
    assert_eq!(exact(&[1.0, 1.0, -1.0, -1.0], 2, &g), "0/1");
    assert_eq!(exact(&[1.0, 2.0, 3.0, -2.0, -4.0, -6.0], 3, &g), "0/1");
    // a half-plane, the plane, all of R^3: C° is a ray, {0}, {0}
    assert_eq!(exact(&[1.0, 0.0, 0.0, 1.0, -1.0, 0.0], 2, &g), "0/1");
    assert_eq!(
        exact(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, 0.0, 0.0], 3, &g),
        "0/1"
    );
    assert_eq!(
        exact(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, -1.0, 0.0], 3, &g),
        "0/1"
    );
    assert_eq!(
        exact(
            &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, -1.0, -1.0, -1.0],
            3,
            &g
        ),
        "0/1"
    );
    // a 2-D set that only nearly spans a half-plane: pointed, q1 tiny > 0
    let (v, b) = bounded(&[1.0, 0.0, -1.0, 1e-9], 2, &g);
    assert!(v > 0.0 && (v - 1e-9 / (2.0 * std::f64::consts::PI)).abs() <= b + 1e-24);
}

// spec: THM-Q1-CONE
#[test]
fn zero_bias_gaussian_cones_by_hand() {
    let g = scheme(WeightInit::HeNormal, BiasInit::Zero);
    let pi = std::f64::consts::PI;
    let close = |(v, b): (f64, f64), want: f64| {
        assert!((v - want).abs() <= b, "{v} vs {want} (bound {b})");
        assert!(b < 1e-12);
    };
    // 2-D: cone of angle theta, C° of angle pi - theta
    close(bounded(&[1.0, 0.0, 0.0, 1.0], 2, &g), 0.25);
    close(
        bounded(&[1.0, 0.0, 2.0, 1.0, 0.0, 0.0], 2, &g),
        (pi - 0.5f64.atan()) / (2.0 * pi),
    );
    // 3-D planar data {e1, e2}: C° = {w1 <= 0, w2 <= 0} x R: 1/4
    close(bounded(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0], 3, &g), 0.25);
    // the octant: C° the negative octant, 1/8; an interior point changes nothing
    let oct = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    close(bounded(&oct, 3, &g), 0.125);
    let mut oct2 = oct.to_vec();
    oct2.extend([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
    close(bounded(&oct2, 3, &g), 0.125);
    // X = (+-1, +-1, 1): C° = {w3 <= -(|w1| + |w2|)}, a square pyramid whose
    // section at w3 = -1 is a square of half-side 1/sqrt(2) at distance 1;
    // the solid angle of a right rectangular pyramid with half-angles
    // alpha = beta, sin alpha = 1/sqrt(3), is 4 asin(sin^2 alpha) = 4 asin(1/3).
    let pyr = [
        1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0,
    ];
    close(bounded(&pyr, 3, &g), (1.0f64 / 3.0).asin() / pi);
    // tiny and huge coordinates: scale invariance
    let tiny: Vec<f64> = pyr.iter().map(|v| v * 1e-300).collect();
    close(bounded(&tiny, 3, &g), (1.0f64 / 3.0).asin() / pi);
    let huge: Vec<f64> = pyr.iter().map(|v| v * 1e99).collect();
    close(bounded(&huge, 3, &g), (1.0f64 / 3.0).asin() / pi);
}

/// The 256 points x_k = (cos 2 pi k / 256, sin 2 pi k / 256) as f64.
pub fn circle(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|k| {
            let t = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
            [t.cos(), t.sin()]
        })
        .collect()
}

// spec: THM-Q1-TORCH-CIRCLE, THM-Q1-POLYTOPE
#[test]
fn torch_default_256_circle() {
    // Derivation (spec THM-Q1-TORCH-CIRCLE): for the regular N-gon P on the
    // unit circle, (w, b) in [-1,1]^3 is PD iff b <= -h(w), h the support
    // function of P. h <= 1 exactly on the polar P°, the regular N-gon of
    // inradius 1 with vertices at angles (2k+1) pi / N and radius
    // 1 / cos(pi / N); when 4 | N every vertex is at least pi / N from the
    // axes, so max(|cos|, |sin|) <= cos(pi / N) there and P° lies in [-1,1]^2
    // (for N = 256 the vertex at angle pi/256 is (1, tan(pi/256)), on it). The set
    // {(w, t) : h(w) <= t <= 1} is the cone over P° from the origin cut at
    // t = 1: volume area(P°) / 3 = N tan(pi / N) / 3, and q1 = that / 8 =
    // N tan(pi/N) / 24 = (32/3) tan(pi/256) for N = 256.
    let want = 32.0 / 3.0 * (std::f64::consts::PI / 256.0).tan();
    let t0 = std::time::Instant::now();
    let r = compute(&circle(256), 2, &torch(), &Q1Options::default()).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let Q1Value::Exact(v) = &r.value else {
        panic!("expected an exact value, got {:?}", r.value)
    };
    let f = relu_trainability::rational::to_f64(v);
    assert!((f - want).abs() < 1e-12, "{f} vs {want}");
    assert_eq!(r.theorem, "THM-Q1-POLYTOPE");
    eprintln!(
        "256-circle exact q1 = {f} in {secs:.3} s ({} digits in the denominator)",
        v.denom().to_string().len()
    );
    // N = 8 (square rotated): 8 tan(pi/8) / 24 = (sqrt(2) - 1) / 3
    let r8 = q(&circle(8), 2, &torch());
    let Q1Value::Exact(v8) = r8 else { panic!() };
    let want8 = (2f64.sqrt() - 1.0) / 3.0;
    assert!((relu_trainability::rational::to_f64(&v8) - want8).abs() < 1e-14);
    // data exactly on the axes: N = 4 gives 4 tan(pi/4) / 24 = 1/6 exactly
    // (the 4 points (1,0), (0,1), (-1,0), (0,-1) are exact in f64 here)
    let sq = [1.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.0, -1.0];
    assert_eq!(exact(&sq, 2, &torch()), "1/6");
}
