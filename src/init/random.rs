//! Random initializers (spec ALG-INIT-RANDOM, ALG-RAI).
//!
//! Every scheme draws its numbers in one documented order, layer by layer
//! (hidden layers, then the linear output layer): for [`InitScheme::Random`]
//! the weights row by row (`out x in`, PyTorch layout), then the biases; for
//! RAI neuron by neuron. [`sample_layer_into`] is the single place that draws,
//! so [`initialize`] and the Monte Carlo fast path see identical networks.

use crate::error::{Error, Result};
use crate::sim::{Dataset, Layer, Network};
use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal};

/// Layer sizes of a fully connected network (spec DEF-NETWORK).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Architecture {
    /// Input dimension d >= 1.
    pub input_dim: usize,
    /// Hidden widths N_1..N_{L-1}, each >= 1, at least one.
    pub hidden: Vec<usize>,
    /// Output dimension N_L >= 1.
    pub output_dim: usize,
}

impl Architecture {
    /// Validating constructor: no zero dimension, at least one hidden layer.
    pub fn new(input_dim: usize, hidden: Vec<usize>, output_dim: usize) -> Result<Self> {
        if input_dim == 0 {
            return Err(Error::input("the input dimension must be at least 1"));
        }
        if output_dim == 0 {
            return Err(Error::input("the output dimension must be at least 1"));
        }
        if hidden.is_empty() {
            return Err(Error::input(
                "no hidden layer: give at least one width, e.g. --widths 8",
            ));
        }
        if let Some(i) = hidden.iter().position(|&w| w == 0) {
            return Err(Error::input(format!(
                "hidden layer {} has width 0; every hidden width must be at least 1",
                i + 1
            )));
        }
        let arch = Architecture {
            input_dim,
            hidden,
            output_dim,
        };
        // The parameters are drawn into a buffer and copied into the layer
        // matrices: twice their size, checked before any allocation
        // (spec ALG-LIMITS).
        crate::limits::check_bytes(
            &format!(
                "a network with {:.3e} parameters (widths {:?})",
                arch.parameter_count_f64(),
                arch.hidden
            ),
            16.0 * arch.parameter_count_f64(),
            "use narrower layers",
        )?;
        Ok(arch)
    }

    /// Number of parameters as f64 (no overflow for any widths).
    pub fn parameter_count_f64(&self) -> f64 {
        let mut dims = vec![self.input_dim as f64];
        dims.extend(self.hidden.iter().map(|&n| n as f64));
        dims.push(self.output_dim as f64);
        dims.windows(2).map(|w| (w[0] + 1.0) * w[1]).sum()
    }

    /// (fan_in, fan_out) of every layer, hidden then output.
    pub fn layer_shapes(&self) -> Vec<(usize, usize)> {
        let mut dims = vec![self.input_dim];
        dims.extend(&self.hidden);
        dims.push(self.output_dim);
        dims.windows(2).map(|w| (w[0], w[1])).collect()
    }

    /// Number of parameters (weights and biases).
    pub fn parameter_count(&self) -> usize {
        self.layer_shapes()
            .iter()
            .map(|&(i, o)| i.saturating_add(1).saturating_mul(o))
            .fold(0usize, usize::saturating_add)
    }
}

/// Weight laws; all are symmetric about 0 with no atom at 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeightInit {
    /// N(0, 2 / fan_in) (He et al. 2015).
    HeNormal,
    /// U(-sqrt(6 / fan_in), sqrt(6 / fan_in)).
    HeUniform,
    /// N(0, 2 / (fan_in + fan_out)) (Glorot and Bengio 2010).
    GlorotNormal,
    /// U(-sqrt(6 / (fan_in + fan_out)), +sqrt(...)).
    GlorotUniform,
    /// N(0, 1 / fan_in) (LeCun et al. 1998).
    LecunNormal,
    /// N(0, 1).
    StandardNormal,
    /// PyTorch's `nn.Linear` default weight: kaiming_uniform(a = sqrt(5)) =
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the bound computed as
    /// `1.0 / (fan_in as f64).sqrt()` as PyTorch does (spec ALG-INIT-TORCH).
    TorchDefault,
}

impl WeightInit {
    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            WeightInit::HeNormal => "he-normal",
            WeightInit::HeUniform => "he-uniform",
            WeightInit::GlorotNormal => "glorot-normal",
            WeightInit::GlorotUniform => "glorot-uniform",
            WeightInit::LecunNormal => "lecun-normal",
            WeightInit::StandardNormal => "standard-normal",
            WeightInit::TorchDefault => "torch-default",
        }
    }

    /// Whether the weights are Gaussian (rows then rotation invariant).
    pub fn is_gaussian(self) -> bool {
        !matches!(
            self,
            WeightInit::HeUniform | WeightInit::GlorotUniform | WeightInit::TorchDefault
        )
    }

    /// Half-width a of a uniform law U(-a, a) as the sampler uses it (None
    /// for a Gaussian law).
    pub fn uniform_bound(self, fan_in: usize, fan_out: usize) -> Option<f64> {
        match self.sampler(fan_in, fan_out) {
            Sampler::Uniform(a) => Some(a),
            _ => None,
        }
    }

    /// Standard deviation of one weight of a layer with this fan-in/fan-out.
    pub fn std(self, fan_in: usize, fan_out: usize) -> f64 {
        let (i, o) = (fan_in as f64, fan_out as f64);
        match self {
            WeightInit::HeNormal | WeightInit::HeUniform => (2.0 / i).sqrt(),
            WeightInit::GlorotNormal | WeightInit::GlorotUniform => (2.0 / (i + o)).sqrt(),
            WeightInit::LecunNormal => (1.0 / i).sqrt(),
            WeightInit::StandardNormal => 1.0,
            WeightInit::TorchDefault => (1.0 / (3.0 * i)).sqrt(),
        }
    }

    /// Draws one weight for a layer with this fan-in/fan-out.
    fn sampler(self, fan_in: usize, fan_out: usize) -> Sampler {
        if self == WeightInit::TorchDefault {
            return Sampler::Uniform(torch_bound(fan_in));
        }
        let s = self.std(fan_in, fan_out);
        if self.is_gaussian() {
            Sampler::Normal(s)
        } else {
            // U(-a, a) has std a / sqrt(3).
            Sampler::Uniform(s * 3f64.sqrt())
        }
    }
}

/// Bias laws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BiasInit {
    /// All biases 0 (beta = 0 in THM-CHAIN).
    Zero,
    /// N(0, std^2), std > 0.
    Normal(f64),
    /// U(-a, a), a > 0.
    Uniform(f64),
    /// PyTorch's `nn.Linear` default bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    /// (the bound of [`WeightInit::TorchDefault`]; spelled `fan-in`).
    FanIn,
    /// Every bias equal to this constant (`const:V`; nothing is drawn).
    Const(f64),
}

/// PyTorch's `nn.Linear` default bound 1/sqrt(fan_in) (weights and biases),
/// evaluated as PyTorch evaluates it (`1 / math.sqrt(fan_in)`).
pub fn torch_bound(fan_in: usize) -> f64 {
    1.0 / (fan_in as f64).sqrt()
}

impl BiasInit {
    /// The CLI spelling (`zero`, `normal:STD`, `uniform:A`).
    pub fn name(&self) -> String {
        match self {
            BiasInit::Zero => "zero".into(),
            BiasInit::Normal(s) => format!("normal:{s}"),
            BiasInit::Uniform(a) => format!("uniform:{a}"),
            BiasInit::FanIn => "fan-in".into(),
            BiasInit::Const(v) => format!("const:{v}"),
        }
    }

    /// Standard deviation of one bias (for [`BiasInit::FanIn`], that of the
    /// first layer of a network with input dimension 1; use
    /// [`BiasInit::std_for`] for a given fan-in).
    pub fn std(&self) -> f64 {
        self.std_for(1)
    }

    /// Standard deviation of one bias of a layer with this fan-in.
    pub fn std_for(&self, fan_in: usize) -> f64 {
        match *self {
            BiasInit::Zero => 0.0,
            BiasInit::Normal(s) => s,
            BiasInit::Uniform(a) => a / 3f64.sqrt(),
            BiasInit::FanIn => torch_bound(fan_in) / 3f64.sqrt(),
            BiasInit::Const(_) => 0.0,
        }
    }

    /// Half-width of a uniform bias law for a layer with this fan-in.
    pub fn uniform_bound(&self, fan_in: usize) -> Option<f64> {
        match self.sampler(fan_in) {
            Sampler::Uniform(a) => Some(a),
            _ => None,
        }
    }

    fn sampler(&self, fan_in: usize) -> Sampler {
        match *self {
            BiasInit::Zero => Sampler::Zero,
            BiasInit::Normal(s) => Sampler::Normal(s),
            BiasInit::Uniform(a) => Sampler::Uniform(a),
            BiasInit::FanIn => Sampler::Uniform(torch_bound(fan_in)),
            BiasInit::Const(v) => Sampler::Const(v),
        }
    }
}

/// An initialization scheme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InitScheme {
    /// Independent weights and biases from the given laws.
    Random {
        /// Weight law.
        weights: WeightInit,
        /// Bias law.
        bias: BiasInit,
    },
    /// Randomized asymmetric initialization (Lu, Shin, Su, Karniadakis 2019,
    /// arXiv:1903.06733, Sec. 5; spec ALG-RAI). Biases are part of the scheme.
    Rai,
    /// Sparse He-normal weights (spec ALG-INIT-SPARSE): each weight
    /// independently 0 with probability `sparsity`, else N(0, 2 / fan_in);
    /// biases from `bias`.
    Sparse {
        /// Probability of a zero weight, in [0, 1).
        sparsity: f64,
        /// Bias law.
        bias: BiasInit,
    },
    /// The data-dependent initializer (`crate::init::data_dependent`).
    DataDependent,
}

impl InitScheme {
    /// Combines `--init NAME` and `--bias SPEC` (the bias is ignored by RAI
    /// and the data-dependent scheme, which set their own biases; passing a
    /// non-zero bias with them is refused as ambiguous). `torch-default`
    /// takes the bias law it is given, as every random scheme does: the CLI
    /// fills in [`default_bias`] (`fan-in`, PyTorch's own) when `--bias` is
    /// absent, so an explicit `--bias zero` gives zero biases.
    pub fn from_cli(init: &str, bias: &str) -> Result<Self> {
        let bias: BiasInit = bias.parse()?;
        match init.trim() {
            "torch-default" => Ok(InitScheme::Random {
                weights: WeightInit::TorchDefault,
                bias,
            }),
            "rai" | "data-dependent" if bias != BiasInit::Zero => Err(Error::input(format!(
                "--init {init} sets its own biases; drop --bias {} (or use --bias zero)",
                bias.name()
            ))),
            "rai" => Ok(InitScheme::Rai),
            "data-dependent" => Ok(InitScheme::DataDependent),
            w if w.starts_with("sparse:") => {
                let v = &w["sparse:".len()..];
                let sparsity: f64 = v.trim().parse().map_err(|_| {
                    Error::input(format!("--init {w:?}: expected sparse:S with S in [0, 1)"))
                })?;
                if !(0.0..1.0).contains(&sparsity) {
                    return Err(Error::input(format!(
                        "--init {w:?}: the sparsity S must be in [0, 1) (S = 1 would zero every weight)"
                    )));
                }
                Ok(InitScheme::Sparse { sparsity, bias })
            }
            w => Ok(InitScheme::Random {
                weights: w.parse()?,
                bias,
            }),
        }
    }

    /// The bias law, for the schemes that take one (random and sparse).
    pub fn bias_law(&self) -> Option<BiasInit> {
        match self {
            InitScheme::Random { bias, .. } | InitScheme::Sparse { bias, .. } => Some(*bias),
            InitScheme::Rai | InitScheme::DataDependent => None,
        }
    }

    /// The CLI name of the weight part.
    pub fn name(&self) -> String {
        match self {
            InitScheme::Random { weights, .. } => weights.name().into(),
            InitScheme::Rai => "rai".into(),
            InitScheme::Sparse { sparsity, .. } => format!("sparse:{sparsity}"),
            InitScheme::DataDependent => "data-dependent".into(),
        }
    }
}

/// The bias law when `--bias` is not given: `fan-in` for `torch-default`
/// (PyTorch's `nn.Linear` default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))),
/// `zero` for every other initializer (spec ALG-INIT-TORCH).
pub fn default_bias(init: &str) -> &'static str {
    if init.trim() == "torch-default" {
        "fan-in"
    } else {
        "zero"
    }
}

const INIT_NAMES: &str = "he-normal, he-uniform, glorot-normal, glorot-uniform, lecun-normal, standard-normal, torch-default, rai, data-dependent";

impl std::str::FromStr for WeightInit {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim() {
            "he-normal" => WeightInit::HeNormal,
            "he-uniform" => WeightInit::HeUniform,
            "glorot-normal" => WeightInit::GlorotNormal,
            "glorot-uniform" => WeightInit::GlorotUniform,
            "lecun-normal" => WeightInit::LecunNormal,
            "standard-normal" => WeightInit::StandardNormal,
            "torch-default" => WeightInit::TorchDefault,
            other => {
                return Err(Error::input(format!(
                    "unknown initializer {other:?}; expected one of {INIT_NAMES}"
                )))
            }
        })
    }
}

impl std::str::FromStr for InitScheme {
    type Err = Error;
    /// Parses `--init` alone (random schemes get zero biases).
    fn from_str(s: &str) -> Result<Self> {
        InitScheme::from_cli(s, "zero")
    }
}

impl std::str::FromStr for BiasInit {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let bad = || {
            Error::input(format!(
                "bias {s:?}: expected zero, normal:STD, uniform:A (STD, A finite and > 0), fan-in or const:V"
            ))
        };
        if s == "zero" {
            return Ok(BiasInit::Zero);
        }
        if s == "fan-in" {
            return Ok(BiasInit::FanIn);
        }
        let (kind, v) = s.split_once(':').ok_or_else(bad)?;
        let v: f64 = v.trim().parse().map_err(|_| bad())?;
        if kind.trim() == "const" {
            if !(v.is_finite() && v.abs() <= crate::limits::MAX_SCALE) {
                return Err(Error::input(format!(
                    "bias {s:?}: the constant must be finite with magnitude at most {:e} (spec ALG-LIMITS)",
                    crate::limits::MAX_SCALE
                )));
            }
            return Ok(BiasInit::Const(v + 0.0));
        }
        if !(v.is_finite() && v > 0.0) {
            return Err(bad());
        }
        if v > crate::limits::MAX_SCALE {
            return Err(Error::input(format!(
                "bias {s:?}: the scale {v:e} is above {:e}; such biases overflow the forward pass (spec ALG-LIMITS)",
                crate::limits::MAX_SCALE
            )));
        }
        match kind.trim() {
            "normal" => Ok(BiasInit::Normal(v)),
            "uniform" => Ok(BiasInit::Uniform(v)),
            _ => Err(bad()),
        }
    }
}

/// One scalar law.
#[derive(Clone, Copy, Debug)]
enum Sampler {
    Zero,
    Normal(f64),
    Uniform(f64),
    Const(f64),
}

impl Sampler {
    #[inline]
    fn fill(self, out: &mut [f64], rng: &mut ChaCha8Rng) {
        match self {
            Sampler::Zero => out.fill(0.0),
            Sampler::Const(c) => out.fill(c),
            Sampler::Normal(s) => out.iter_mut().for_each(|v| {
                let z: f64 = StandardNormal.sample(rng);
                *v = s * z
            }),
            Sampler::Uniform(a) => out.iter_mut().for_each(|v| *v = rng.gen_range(-a..a)),
        }
    }
}

/// RAI constants: P = Beta(2, 1) for the one positive entry, and
/// sigma_out = 0.6007 / sqrt(fan_in + 1) for the others (spec ALG-RAI).
pub const RAI_SIGMA: f64 = 0.6007;

/// Draws one layer's parameters into `weight` (row-major `fan_out x fan_in`)
/// and `bias` (length `fan_out`). Fails only for `DataDependent`, which is
/// not a per-layer random scheme.
pub fn sample_layer_into(
    scheme: &InitScheme,
    fan_in: usize,
    fan_out: usize,
    weight: &mut [f64],
    bias: &mut [f64],
    rng: &mut ChaCha8Rng,
) -> Result<()> {
    debug_assert_eq!(weight.len(), fan_in * fan_out);
    debug_assert_eq!(bias.len(), fan_out);
    match scheme {
        InitScheme::Random { weights, bias: b } => {
            weights.sampler(fan_in, fan_out).fill(weight, rng);
            b.sampler(fan_in).fill(bias, rng);
        }
        InitScheme::Rai => {
            // Per neuron: V = (w_j, b_j) in R^{fan_in + 1}, V ~ N(0, s^2 I),
            // then one uniformly chosen entry k is replaced by Beta(2, 1).
            let s = RAI_SIGMA / ((fan_in + 1) as f64).sqrt();
            let beta = Beta::new(2.0, 1.0).expect("valid Beta parameters");
            for j in 0..fan_out {
                let row = &mut weight[j * fan_in..(j + 1) * fan_in];
                Sampler::Normal(s).fill(row, rng);
                Sampler::Normal(s).fill(&mut bias[j..j + 1], rng);
                let k = rng.gen_range(0..=fan_in);
                let v = beta.sample(rng);
                if k < fan_in {
                    row[k] = v;
                } else {
                    bias[j] = v;
                }
            }
        }
        InitScheme::Sparse { sparsity, bias: b } => {
            // per weight: the uniform deciding a zero, then the normal
            // (drawn only for a nonzero weight); then the biases
            let s = (2.0 / fan_in as f64).sqrt();
            for v in weight.iter_mut() {
                let u: f64 = rng.gen();
                *v = if u < *sparsity {
                    0.0
                } else {
                    let z: f64 = StandardNormal.sample(rng);
                    s * z
                };
            }
            b.sampler(fan_in).fill(bias, rng);
        }
        InitScheme::DataDependent => {
            return Err(Error::input(
                "the data-dependent initializer is not a per-layer random scheme",
            ))
        }
    }
    Ok(())
}

/// Draws the parameters of one neuron of a layer with this fan-in and
/// fan-out (the fan-out sets the Glorot scale): the weights into `weight`
/// (length `fan_in`), the bias returned. Same laws as [`sample_layer_into`]
/// (the draw order within a layer differs; used by the q1 Monte Carlo,
/// spec ALG-Q1-MC).
pub fn sample_neuron(
    scheme: &InitScheme,
    fan_in: usize,
    fan_out: usize,
    weight: &mut [f64],
    rng: &mut ChaCha8Rng,
) -> Result<f64> {
    debug_assert_eq!(weight.len(), fan_in);
    let mut b = [0.0];
    match scheme {
        InitScheme::Random { weights, bias } => {
            weights.sampler(fan_in, fan_out).fill(weight, rng);
            bias.sampler(fan_in).fill(&mut b, rng);
        }
        // RAI and sparse draw neuron by neuron, independently of the fan-out
        InitScheme::Rai | InitScheme::Sparse { .. } => {
            sample_layer_into(scheme, fan_in, 1, weight, &mut b, rng)?
        }
        InitScheme::DataDependent => {
            return Err(Error::input(
                "the data-dependent initializer is not a per-neuron random scheme",
            ))
        }
    }
    Ok(b[0])
}

/// Initializes a network for `arch` (hidden ReLU layers and a linear output
/// layer, all drawn by `scheme`). `data` is used only by the data-dependent
/// scheme (and checked against `arch.input_dim`).
pub fn initialize(
    scheme: &InitScheme,
    arch: &Architecture,
    data: &Dataset,
    rng: &mut ChaCha8Rng,
) -> Result<Network> {
    if data.dim() != arch.input_dim {
        return Err(Error::input(format!(
            "the data have dimension {} but the network expects inputs of dimension {}",
            data.dim(),
            arch.input_dim
        )));
    }
    if let InitScheme::DataDependent = scheme {
        return data_dependent(arch, data, rng);
    }
    let mut layers = Vec::with_capacity(arch.hidden.len() + 1);
    for (fan_in, fan_out) in arch.layer_shapes() {
        let mut w = vec![0.0; fan_in * fan_out];
        let mut b = vec![0.0; fan_out];
        sample_layer_into(scheme, fan_in, fan_out, &mut w, &mut b, rng)?;
        layers.push(Layer {
            weight: DMatrix::from_row_slice(fan_out, fan_in, &w),
            bias: DVector::from_vec(b),
        });
    }
    Network::new(layers)
}

fn data_dependent(arch: &Architecture, data: &Dataset, rng: &mut ChaCha8Rng) -> Result<Network> {
    super::data_dependent::initialize(arch, data, rng)
}
