//! Data-dependent initializer: no hidden neuron is dead on the training set
//! (spec ALG-DD-INIT, THM-DD-ACTIVE, THM-DD-SCALE, THM-DD-RANK,
//! THM-DD-RANK-DEEP).
//!
//! Layer by layer, with A the previous layer's outputs on X (A = X first):
//! - "peel" neurons (when the width is at least the number of distinct rows
//!   of A minus one): neuron k separates the unique maximiser of a random
//!   projection over the rows not yet removed, which makes [1, relu(Z)]
//!   triangular, hence of full rank (THM-DD-RANK);
//! - "cut" neurons (all others): He-normal direction, threshold uniform
//!   strictly between the smallest and largest projection (THM-DD-ACTIVE),
//!   except the first cut neuron of each layer, the "carrier", whose
//!   threshold sits just above the smallest projection so the layer keeps
//!   the points apart along its direction;
//! - every neuron is rescaled by c > 0 so that its pre-activation second
//!   moment over X equals the He value (THM-DD-SCALE).
//!
//! The bias is chosen from the projections computed *exactly as the forward
//! pass computes them* on the parameters *as stored* (f32 or f64), so the
//! guarantees hold for the stored network, and the result is verified with
//! the real census before it is returned.

// `!(a > b)` is deliberate: it is true when a comparison involves NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::random::{sample_layer_into, Architecture, BiasInit, InitScheme, WeightInit};
use crate::census::census;
use crate::error::{Error, Result};
use crate::montecarlo::progress::Progress;
use crate::sim::network::{affine, relu};
use crate::sim::{Dataset, Layer, Network};
use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Precision in which parameters are stored (the guarantees hold for the
/// stored values, evaluated in f64 as the census does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Storage {
    /// IEEE single precision (the PyTorch default).
    F32,
    /// IEEE double precision.
    #[default]
    F64,
}

impl Storage {
    /// Rounds to the nearest storable value (f32: round to nearest even).
    pub fn round(self, x: f64) -> f64 {
        match self {
            Storage::F32 => x as f32 as f64,
            Storage::F64 => x,
        }
    }

    /// Unit roundoff u (2^-24 or 2^-53).
    pub fn unit_roundoff(self) -> f64 {
        match self {
            Storage::F32 => f64::from(f32::EPSILON) / 2.0,
            Storage::F64 => f64::EPSILON / 2.0,
        }
    }

    /// Whether x rounds to a finite storable value.
    pub fn fits(self, x: f64) -> bool {
        self.round(x).is_finite()
    }

    /// Smallest storable value >= x (x finite).
    fn ceil(self, x: f64) -> f64 {
        match self {
            Storage::F64 => x,
            Storage::F32 => {
                let f = x as f32;
                if f64::from(f) < x {
                    f64::from(f.next_up())
                } else {
                    f64::from(f)
                }
            }
        }
    }

    /// Lower-case name ("f32" / "f64").
    pub fn name(self) -> &'static str {
        match self {
            Storage::F32 => "f32",
            Storage::F64 => "f64",
        }
    }
}

impl std::str::FromStr for Storage {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f32" | "float32" => Ok(Storage::F32),
            "f64" | "float64" => Ok(Storage::F64),
            o => Err(Error::input(format!(
                "unknown dtype {o:?}; expected f32 or f64"
            ))),
        }
    }
}

/// Options of [`initialize_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DdOptions {
    /// Storage precision of the returned parameters.
    pub storage: Storage,
    /// Use the peeling construction (THM-DD-RANK) where the width allows.
    pub peel: bool,
    /// Directions of the peel neurons.
    pub peel_direction: PeelDirection,
    /// Make the first cut neuron of every layer a "carrier": its threshold
    /// sits just above the smallest projection, so it is zero only near the
    /// minimum and increasing along its direction everywhere else; the
    /// layer then cannot merge points that this direction separates
    /// (ALG-DD-INIT, PROP-DD-VS-HE measures the effect).
    pub carrier: bool,
    /// Redraws allowed per neuron (and per layer) before giving up.
    pub max_attempts: usize,
    /// Show a progress bar (neurons placed) on a terminal for runs longer
    /// than about 1.5 s.
    pub progress: bool,
}

/// How the peel neurons of a layer choose their directions (THM-DD-RANK).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PeelDirection {
    /// One random direction per layer, hinges between consecutive sorted
    /// projections: the feature matrix is a linear-spline basis along that
    /// direction, with condition number polynomial in m. Falls back to
    /// `Independent` if some consecutive projections are too close.
    #[default]
    Shared,
    /// A fresh random direction per neuron: also triangular, but random
    /// triangular matrices are exponentially ill-conditioned in m.
    Independent,
}

impl Default for DdOptions {
    fn default() -> Self {
        DdOptions {
            storage: Storage::F64,
            peel: true,
            peel_direction: PeelDirection::Shared,
            carrier: true,
            max_attempts: 64,
            progress: false,
        }
    }
}

/// What the construction did in one hidden layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DdLayerInfo {
    /// Number of distinct rows of the layer's input on X.
    pub distinct_inputs: usize,
    /// Number of peel neurons (the first `peeled` neurons of the layer);
    /// `distinct_inputs - 1` when the layer is wide enough, else 0.
    pub peeled: usize,
    /// The layer was wide enough for peeling but two input rows were too
    /// close for the storage precision, so it was built from cut neurons
    /// only (layers >= 2; in layer 1 this is an error instead).
    pub peel_fallback: bool,
}

/// A data-dependent network with a description of its construction.
#[derive(Clone, Debug)]
pub struct DdInit {
    /// The network (parameters exactly representable in the storage type).
    pub network: Network,
    /// One entry per hidden layer.
    pub layers: Vec<DdLayerInfo>,
}

/// Largest accepted relative deviation of a neuron's second moment from
/// the He value on the stored parameters (THM-DD-SCALE); in practice the
/// deviation is a few units of roundoff.
pub const G2_TOLERANCE: f64 = 1e-3;

/// Largest accepted cost m * sum(fan_in * width) (floating-point products).
pub const MAX_COST: f64 = 2e10;

/// Estimated cost of the data-dependent initializer on `m` points, its
/// final census included (spec ALG-DD-COST): (core-seconds, peak bytes).
/// Measured on a 2-core machine, the estimates are 1 to 3.5 times the
/// measured time and peak resident memory (tests/init_dd_budgets.rs).
pub fn estimate(arch: &Architecture, m: usize) -> (f64, f64) {
    let mf = m as f64;
    let shapes = arch.layer_shapes();
    let hidden = &shapes[..shapes.len() - 1];
    let neurons: f64 = hidden.iter().map(|&(_, o)| o as f64).sum();
    let products: f64 = shapes.iter().map(|&(i, o)| i as f64 * o as f64).sum();
    // Per neuron and point: its projections, threshold, checks (about
    // 0.2 microseconds measured); per layer and point: the duplicate
    // grouping (a sort); the products of the layer passes and the census.
    let seconds = mf
        * (DD_SECONDS_PER_NEURON_POINT * neurons
            + DD_SECONDS_PER_SORT_STEP * hidden.len() as f64 * mf.max(2.0).log2()
            + 4.0 * products / crate::montecarlo::cost::MULADD_PER_SEC);
    // Peak: the data, plus either one layer's construction (its inputs,
    // grouping and row norms: 8 n + 48 bytes per point; projections,
    // pre-activations and the next inputs: 32 bytes per neuron and point)
    // or the census (pre- and post-activations of every layer, 16 bytes per
    // neuron and point, plus one layer's temporary).
    let all: f64 = shapes.iter().map(|&(_, o)| o as f64).sum();
    let widest = shapes.iter().map(|&(_, o)| o as f64).fold(0.0, f64::max);
    let build = hidden
        .iter()
        .map(|&(i, o)| 8.0 * i as f64 + 48.0 + 32.0 * o as f64)
        .fold(0.0, f64::max);
    let census = 16.0 * (all + widest);
    let bytes = mf * (8.0 * arch.input_dim as f64 + build.max(census)) + DD_BASE_BYTES;
    (seconds, bytes)
}

/// Core-seconds per neuron and point of the construction (ALG-DD-COST).
pub const DD_SECONDS_PER_NEURON_POINT: f64 = 2.5e-7;
/// Core-seconds per point, layer and log2(m) of the duplicate grouping.
pub const DD_SECONDS_PER_SORT_STEP: f64 = 5e-9;
/// Memory of the process before the data (code, tables): 64 MB.
pub const DD_BASE_BYTES: f64 = 64e6;

/// The data-dependent initializer in f64 storage (spec ALG-DD-INIT).
pub fn initialize(arch: &Architecture, data: &Dataset, rng: &mut ChaCha8Rng) -> Result<Network> {
    initialize_with(arch, data, rng, &DdOptions::default())
}

/// The data-dependent initializer with options (storage precision).
pub fn initialize_with(
    arch: &Architecture,
    data: &Dataset,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
) -> Result<Network> {
    initialize_detailed(arch, data, rng, opts).map(|d| d.network)
}

/// The data-dependent initializer, returning what each layer did.
pub fn initialize_detailed(
    arch: &Architecture,
    data: &Dataset,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
) -> Result<DdInit> {
    build(arch, data, rng, opts, true)
}

/// ALG-DD-INIT without its re-checks (step 7 and the final census): the
/// network exactly as steps 1-6 build it, so that tests can check the
/// construction's own claims (THM-DD-ACTIVE, THM-DD-SCALE, THM-DD-RANK)
/// instead of relying on the re-check to refuse a wrong construction.
/// Not for use outside tests.
#[doc(hidden)]
pub fn initialize_unverified(
    arch: &Architecture,
    data: &Dataset,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
) -> Result<DdInit> {
    build(arch, data, rng, opts, false)
}

fn build(
    arch: &Architecture,
    data: &Dataset,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
    verify: bool,
) -> Result<DdInit> {
    let arch = Architecture::new(arch.input_dim, arch.hidden.clone(), arch.output_dim)?;
    check_input(&arch, data)?;
    check_storage_range(data, opts.storage)?;
    check_budget(&arch, data)?;
    let mut layers = Vec::with_capacity(arch.hidden.len() + 1);
    let mut infos = Vec::with_capacity(arch.hidden.len());
    let total: usize = arch.hidden.iter().sum();
    let progress = Progress::with_unit(total as u64 + 1, opts.progress, "neurons (and the census)");
    let mut a = data.points().clone();
    for (l, &width) in arch.hidden.iter().enumerate() {
        let (layer, info) = build_layer(&a, width, l + 1, rng, opts, verify, &progress)?;
        // Exactly the forward pass (Network::forward): same inputs, same ops.
        a = affine(&a, &layer).map(relu);
        layers.push(layer);
        infos.push(info);
    }
    layers.push(output_layer(
        *arch.hidden.last().expect("hidden"),
        arch.output_dim,
        rng,
        opts,
    )?);
    let network = Network::new(layers)?;
    if verify {
        let c = census(&network, data)?;
        progress.inc(1);
        progress.finish();
        if let Some(l) = c.layers.iter().position(|l| l.dead() > 0) {
            return Err(Error::Numerical(format!(
                "data-dependent initialization left a dead neuron in hidden layer {} (please report)",
                l + 1
            )));
        }
    }
    Ok(DdInit {
        network,
        layers: infos,
    })
}

/// Per-neuron ratio M_j / T_l of THM-DD-SCALE: the mean over X of z_j^2
/// divided by (2 / fan_in) times the mean over X of |a^{l-1}(x)|^2.
/// One vector per hidden layer.
pub fn scale_ratios(net: &Network, data: &Dataset) -> Result<Vec<Vec<f64>>> {
    let fwd = net.forward(data)?;
    let mut out = Vec::new();
    let mut a = data.points();
    for z in &fwd.pre {
        let target = target_rms(a);
        out.push(
            z.column_iter()
                .map(|c| (rms(c.iter().copied()) / target).powi(2))
                .collect(),
        );
        a = &fwd.post[out.len() - 1];
    }
    Ok(out)
}

fn check_input(arch: &Architecture, data: &Dataset) -> Result<()> {
    if data.dim() != arch.input_dim {
        return Err(Error::input(format!(
            "the data have dimension {} but the network expects inputs of dimension {}",
            data.dim(),
            arch.input_dim
        )));
    }
    if !data.has_two_distinct() {
        return Err(Error::input(format!(
            "data-dependent initialization needs at least two distinct points; the data have {} point(s), all equal",
            data.len()
        )));
    }
    let m = data.len() as f64;
    let cost: f64 = arch
        .layer_shapes()
        .iter()
        .map(|&(i, o)| m * i as f64 * o as f64)
        .sum();
    if cost > MAX_COST {
        return Err(Error::TooCostly(format!(
            "data-dependent initialization costs about m * sum(fan_in * width) = {cost:.2e} products (limit {MAX_COST:.0e}); use fewer points (a representative subset) or narrower layers"
        )));
    }
    Ok(())
}

/// Refuses a construction whose estimated cost exceeds the budgets
/// (spec ALG-DD-COST, ALG-LIMITS).
fn check_budget(arch: &Architecture, data: &Dataset) -> Result<()> {
    let (seconds, bytes) = estimate(arch, data.len());
    let what = format!(
        "data-dependent initialization of widths {:?} on {} points",
        arch.hidden,
        data.len()
    );
    let advice = "use fewer points (a representative subset: every neuron is then active on \
                  the subset, not necessarily on the rest) or narrower layers";
    crate::limits::check_bytes(&what, bytes, advice)?;
    crate::limits::check_seconds(&what, seconds, advice)
}

/// Data whose scale is far outside the f32 range cannot give an f32 network
/// with He-scale pre-activations (parameters scale like the data).
fn check_storage_range(data: &Dataset, storage: Storage) -> Result<()> {
    if storage == Storage::F64 {
        return Ok(());
    }
    let scale = data.points().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(F32_DATA_RANGE.0..=F32_DATA_RANGE.1).contains(&scale) {
        return Err(Error::input(format!(
            "the data's largest magnitude is {scale:e}, outside [{:e}, {:e}] where f32 parameters can represent a network on them; store the model in f64 (--dtype f64) or rescale the data",
            F32_DATA_RANGE.0, F32_DATA_RANGE.1
        )));
    }
    Ok(())
}

/// Data scales (largest |x|) accepted for f32 storage.
pub const F32_DATA_RANGE: (f64, f64) = (1e-30, 1e30);

/// Linear output layer: He-normal weights, zero bias (it cannot die).
fn output_layer(
    fan_in: usize,
    out: usize,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
) -> Result<Layer> {
    let scheme = InitScheme::Random {
        weights: WeightInit::HeNormal,
        bias: BiasInit::Zero,
    };
    let mut w = vec![0.0; fan_in * out];
    let mut b = vec![0.0; out];
    sample_layer_into(&scheme, fan_in, out, &mut w, &mut b, rng)?;
    Ok(Layer {
        weight: DMatrix::from_row_slice(out, fan_in, &w).map(|v| opts.storage.round(v)),
        bias: DVector::from_vec(b),
    })
}

/// RMS of values, computed with scaling (no overflow/underflow of squares).
fn rms(vals: impl Iterator<Item = f64> + Clone) -> f64 {
    let s = vals.clone().fold(0.0f64, |m, v| m.max(v.abs()));
    if s == 0.0 || !s.is_finite() {
        return s;
    }
    let (sum, n) = vals.fold((0.0, 0usize), |(acc, n), v| (acc + (v / s).powi(2), n + 1));
    s * (sum / n as f64).sqrt()
}

/// sqrt((2 / n) mean_x |a(x)|^2) = sqrt(2) * RMS of all entries of A.
fn target_rms(a: &DMatrix<f64>) -> f64 {
    std::f64::consts::SQRT_2 * rms(a.iter().copied())
}

/// Distinct rows of A: `group[i]` is the class of row i, `reps[g]` a row of
/// class g (exact comparison, -0 == +0).
struct Groups {
    group: Vec<usize>,
    reps: Vec<usize>,
}

fn groups(a: &DMatrix<f64>) -> Groups {
    let m = a.nrows();
    let key = |i: usize, k: usize| (a[(i, k)] + 0.0).to_bits();
    let hash = |i: usize| {
        (0..a.ncols()).fold(0xcbf2_9ce4_8422_2325u64, |h, k| {
            (h ^ key(i, k))
                .wrapping_mul(0x0100_0000_01b3)
                .rotate_left(17)
        })
    };
    let mut order: Vec<(u64, usize)> = (0..m).map(|i| (hash(i), i)).collect();
    order.sort_unstable();
    let same = |i: usize, j: usize| (0..a.ncols()).all(|k| key(i, k) == key(j, k));
    let mut group = vec![usize::MAX; m];
    let mut reps: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < m {
        let mut end = start;
        while end < m && order[end].0 == order[start].0 {
            end += 1;
        }
        // Rows with equal hash: compare exactly.
        let first_new = reps.len();
        for &(_, i) in &order[start..end] {
            match (first_new..reps.len()).find(|&g| same(reps[g], i)) {
                Some(g) => group[i] = g,
                None => {
                    group[i] = reps.len();
                    reps.push(i);
                }
            }
        }
        start = end;
    }
    Groups { group, reps }
}

/// The role of one neuron.
#[derive(Clone, Debug)]
enum Kind {
    /// Active on X: some z <= 0, some z > 0.
    Cut,
    /// Peel neuron k: z > 0 on class `order[k]`, z <= 0 on the classes
    /// `order[k+1..]` (the layer's removal order).
    Peel { k: usize },
}

/// A planned neuron: scaled direction and threshold (bias = -theta).
#[derive(Clone, Debug)]
struct Plan {
    w: DVector<f64>,
    theta: f64,
    kind: Kind,
}

/// Shared per-layer quantities.
struct Ctx<'a> {
    a: &'a DMatrix<f64>,
    g: Groups,
    row_norm: Vec<f64>,
    target: f64,
    opts: &'a DdOptions,
    layer: usize,
}

fn he_direction(n: usize, rng: &mut ChaCha8Rng) -> DVector<f64> {
    let s = (2.0 / n as f64).sqrt();
    DVector::from_fn(n, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        s * z
    })
}

/// Threshold of a cut neuron (step 4): lo + delta + u (hi - lo - 2 delta)
/// for u in [0, 1), inside [lo + delta, hi - delta] up to one rounding, so
/// at least delta from every projection's extreme (plan_cut asks for
/// hi - lo > 4 delta).
fn cut_threshold(lo: f64, hi: f64, delta: f64, u: f64) -> f64 {
    (lo + delta) + u * ((hi - delta) - (lo + delta))
}

impl Ctx<'_> {
    /// Rescales (w, theta) so that RMS_x(w.a - theta) = target (THM-DD-SCALE);
    /// None if the scaled values do not fit the storage type.
    fn scale(&self, w: DVector<f64>, t: &DVector<f64>, theta: f64, kind: Kind) -> Option<Plan> {
        let rz = rms(t.iter().map(|v| v - theta));
        let c = self.target / rz;
        if !(c.is_finite() && c > 0.0) {
            return None;
        }
        let w = w * c;
        let theta = theta * c;
        let st = self.opts.storage;
        if !(st.fits(theta) && w.iter().all(|&v| st.fits(v))) {
            return None;
        }
        Some(Plan { w, theta, kind })
    }

    /// Margin below which two projections count as tied for this storage.
    fn margin(&self, w: &DVector<f64>, rows: impl Iterator<Item = usize>) -> f64 {
        let amax = rows.map(|i| self.row_norm[i]).fold(0.0, f64::max);
        2.0 * self.opts.storage.unit_roundoff() * w.norm() * amax
    }

    fn plan_cut(&self, rng: &mut ChaCha8Rng, carrier: bool) -> Option<Plan> {
        for _ in 0..self.opts.max_attempts {
            let w = he_direction(self.a.ncols(), rng);
            let t = self.a * &w;
            let (lo, hi) = t
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            let u: f64 = if carrier { 0.0 } else { rng.gen() };
            let delta = 4.0 * self.margin(&w, 0..self.a.nrows());
            if !(hi - lo > 4.0 * delta) {
                continue;
            }
            let theta = cut_threshold(lo, hi, delta, u);
            if let Some(p) = self.scale(w, &t, theta, Kind::Cut) {
                return Some(p);
            }
        }
        None
    }

    /// All peel neurons along one direction u (default): classes sorted by
    /// u-projection, neuron k cuts between the k-th and (k+1)-th largest
    /// (hinges along u; well-conditioned features, spec THM-DD-RANK).
    fn plan_peels_shared(
        &self,
        peeled: usize,
        rng: &mut ChaCha8Rng,
    ) -> Option<(Vec<Plan>, Vec<usize>)> {
        let reps = &self.g.reps;
        for _ in 0..self.opts.max_attempts {
            let w = he_direction(self.a.ncols(), rng);
            let t = self.a * &w;
            let mut order: Vec<usize> = (0..reps.len()).collect();
            order.sort_by(|&g, &h| t[reps[h]].total_cmp(&t[reps[g]]));
            let margin = self.margin(&w, reps.iter().copied());
            if !(0..peeled).all(|k| t[reps[order[k]]] - t[reps[order[k + 1]]] > margin) {
                continue;
            }
            let plans: Option<Vec<Plan>> = (0..peeled)
                .map(|k| {
                    let (hi, lo) = (t[reps[order[k]]], t[reps[order[k + 1]]]);
                    self.scale(w.clone(), &t, lo + (hi - lo) / 2.0, Kind::Peel { k })
                })
                .collect();
            if let Some(plans) = plans {
                return Some((plans, order));
            }
        }
        None
    }

    /// Peel neuron k with its own random direction over the classes in `s`
    /// (at least two); returns the plan and the separated class.
    fn plan_peel(&self, s: &[usize], k: usize, rng: &mut ChaCha8Rng) -> Option<(Plan, usize)> {
        for _ in 0..self.opts.max_attempts {
            let w = he_direction(self.a.ncols(), rng);
            let t = self.a * &w;
            let reps = &self.g.reps;
            let (mut best, mut second) = (usize::MAX, f64::NEG_INFINITY);
            let mut top = f64::NEG_INFINITY;
            for &g in s {
                let v = t[reps[g]];
                if v > top {
                    second = top;
                    top = v;
                    best = g;
                } else if v > second {
                    second = v;
                }
            }
            let gap = top - second;
            if !(gap > self.margin(&w, s.iter().map(|&g| reps[g]))) {
                continue;
            }
            let theta = second + gap / 2.0;
            if let Some(p) = self.scale(w, &t, theta, Kind::Peel { k }) {
                return Some((p, best));
            }
        }
        None
    }

    /// The stored threshold v of a planned neuron, chosen from the exact
    /// forward projections `t` of its stored weights; bias = -v.
    fn threshold(&self, plan: &Plan, t: &[f64], order: &[usize]) -> Option<f64> {
        let st = self.opts.storage;
        let v = st.round(plan.theta);
        match &plan.kind {
            Kind::Cut => {
                let lo = t.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (lo <= v && v < hi).then_some(v)
            }
            Kind::Peel { k } => {
                let top = t[self.g.reps[order[*k]]];
                let second = order[k + 1..]
                    .iter()
                    .map(|&g| t[self.g.reps[g]])
                    .fold(f64::NEG_INFINITY, f64::max);
                if !(second < top) {
                    return None;
                }
                if second <= v && v < top {
                    return Some(v);
                }
                let v = st.ceil(second);
                (v < top).then_some(v)
            }
        }
    }

    /// Exact check of one neuron on the forward pre-activations `z`
    /// (every row of X, duplicates included) and of its scale.
    fn holds(&self, plan: &Plan, z: &[f64], pos: &[usize]) -> bool {
        if z.iter().any(|v| !v.is_finite()) {
            return false;
        }
        let ratio = (rms(z.iter().copied()) / self.target).powi(2);
        if !((ratio - 1.0).abs() <= G2_TOLERANCE) {
            return false;
        }
        match &plan.kind {
            Kind::Cut => z.iter().any(|&v| v > 0.0) && z.iter().any(|&v| v <= 0.0),
            Kind::Peel { k } => z.iter().enumerate().all(|(i, &v)| {
                let p = pos[self.g.group[i]];
                if p == *k {
                    v > 0.0
                } else {
                    p < *k || v <= 0.0
                }
            }),
        }
    }
}

/// Builds hidden layer `l` (1-based) on inputs `a` (m x fan_in).
fn build_layer(
    a: &DMatrix<f64>,
    width: usize,
    l: usize,
    rng: &mut ChaCha8Rng,
    opts: &DdOptions,
    verify: bool,
    progress: &Progress,
) -> Result<(Layer, DdLayerInfo)> {
    let g = groups(a);
    let distinct = g.reps.len();
    if distinct < 2 {
        // Impossible when the previous layer has an active neuron (spec
        // THM-DD-ACTIVE); reported rather than assumed.
        return Err(Error::Numerical(format!(
            "the inputs of hidden layer {l} are all equal on X"
        )));
    }
    let ctx = Ctx {
        a,
        // Scaled (no overflow of |a|^2 for entries up to ~1e300).
        row_norm: a
            .row_iter()
            .map(|r| rms(r.iter().copied()) * (r.len() as f64).sqrt())
            .collect(),
        target: target_rms(a),
        g,
        opts,
        layer: l,
    };
    if !(ctx.target.is_finite() && ctx.target > 0.0) {
        return Err(Error::input(format!(
            "the inputs of hidden layer {l} overflow f64 (|x|^2 is not finite); rescale the data"
        )));
    }
    let peeled = if opts.peel && width + 1 >= distinct {
        distinct - 1
    } else {
        0
    };
    let build = |peeled: usize, rng: &mut ChaCha8Rng| {
        let r = place(&ctx, width, peeled, rng, verify);
        if r.is_ok() {
            progress.inc(width as u64);
        }
        r
    };
    let (layer, peeled, peel_fallback) = match build(peeled, rng) {
        Ok(layer) => (layer, peeled, false),
        // Deep layers: rows too close to peel in this precision; THM-DD-RANK-DEEP
        // is then not claimed and the layer is built from cut neurons.
        Err(_) if l > 1 && peeled > 0 => (build(0, rng)?, 0, true),
        Err(e) => return Err(e),
    };
    let info = DdLayerInfo {
        distinct_inputs: distinct,
        peeled,
        peel_fallback,
    };
    Ok((layer, info))
}

/// Places the neurons of one layer: the first `peeled` by peeling, the rest
/// as cuts; redraws what fails the exact check (bounded; skipped when
/// `verify` is false).
fn place(
    ctx: &Ctx,
    width: usize,
    peeled: usize,
    rng: &mut ChaCha8Rng,
    verify: bool,
) -> Result<Layer> {
    let (a, opts, distinct) = (ctx.a, ctx.opts, ctx.g.reps.len());
    let fail = |what: &str| {
        let advice = match opts.storage {
            Storage::F32 => "store the model in f64 (--dtype f64), or rescale the data or remove near-duplicate points, or skip the rank construction (--no-rank)",
            Storage::F64 => "rescale the data or remove near-duplicate points",
        };
        Error::Numerical(format!(
            "data-dependent initialization could not place {what} of hidden layer {} in {} storage after {} attempts (points too close together or values out of range for {}); {advice}",
            ctx.layer,
            opts.storage.name(),
            opts.max_attempts,
            opts.storage.name()
        ))
    };
    // Returns the peel plans and the removal order of the classes.
    let plan_peels = |rng: &mut ChaCha8Rng| -> Result<(Vec<Plan>, Vec<usize>)> {
        if peeled == 0 {
            return Ok((Vec::new(), (0..distinct).collect()));
        }
        if opts.peel_direction == PeelDirection::Shared {
            if let Some(r) = ctx.plan_peels_shared(peeled, rng) {
                return Ok(r);
            }
        }
        let mut s: Vec<usize> = (0..distinct).collect();
        let mut plans = Vec::with_capacity(peeled);
        let mut order = Vec::with_capacity(distinct);
        for k in 0..peeled {
            let (p, best) = ctx
                .plan_peel(&s, k, rng)
                .ok_or_else(|| fail(&format!("peel neuron {}", k + 1)))?;
            s.retain(|&g| g != best);
            order.push(best);
            plans.push(p);
        }
        order.extend(s);
        Ok((plans, order))
    };
    let positions = |order: &[usize]| {
        let mut pos = vec![0; order.len()];
        order.iter().enumerate().for_each(|(i, &g)| pos[g] = i);
        pos
    };
    let (mut plans, mut order) = plan_peels(rng)?;
    let mut pos = positions(&order);
    // The first cut neuron of the layer is the carrier (DdOptions::carrier).
    let carrier = |j: usize| opts.carrier && j == peeled;
    for j in peeled..width {
        plans.push(
            ctx.plan_cut(rng, carrier(j))
                .ok_or_else(|| fail(&format!("neuron {}", j + 1)))?,
        );
    }
    for _round in 0..opts.max_attempts {
        let weight = DMatrix::from_fn(width, a.ncols(), |j, k| opts.storage.round(plans[j].w[k]));
        // The same product Network::forward computes (affine without bias).
        let t = a * weight.transpose();
        let mut bias = DVector::zeros(width);
        let mut failed: Vec<usize> = Vec::new();
        for (j, plan) in plans.iter().enumerate() {
            let col: Vec<f64> = t.column(j).iter().copied().collect();
            match ctx.threshold(plan, &col, &order) {
                Some(v) => bias[j] = -v,
                None => failed.push(j),
            }
        }
        let layer = Layer { weight, bias };
        if failed.is_empty() && !verify {
            return Ok(layer);
        }
        if failed.is_empty() {
            let z = affine(a, &layer);
            failed = (0..width)
                .filter(|&j| !ctx.holds(&plans[j], z.column(j).as_slice(), &pos))
                .collect();
            if failed.is_empty() {
                return Ok(layer);
            }
        }
        if failed.iter().any(|&j| j < peeled) {
            let (peels, o) = plan_peels(rng)?;
            plans.splice(0..peeled, peels);
            pos = positions(&o);
            order = o;
        }
        for &j in failed.iter().filter(|&&j| j >= peeled) {
            plans[j] = ctx
                .plan_cut(rng, carrier(j))
                .ok_or_else(|| fail(&format!("neuron {}", j + 1)))?;
        }
    }
    Err(fail("the neurons"))
}

#[cfg(test)]
#[path = "data_dependent_tests.rs"]
mod tests;
