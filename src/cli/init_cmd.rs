//! `trainability init`: write an initialized network as a safetensors file
//! in the PyTorch layout (spec ALG-DD-INIT, FMT-SAFETENSORS).

use super::args::parse_width;
use super::out::{errln, outln};
use crate::census::census;
use crate::error::{Error, Result};
use crate::init::data_dependent::{initialize_detailed, DdOptions, Storage};
use crate::init::{initialize, Architecture, InitScheme};
use crate::io::data::{load_data_with, HeaderMode};
use crate::io::model::{round_network, write_safetensors_with, Naming};
use crate::montecarlo::sample_rng;
use crate::sim::Dataset;
use nalgebra::DMatrix;
use std::collections::BTreeMap;

/// `trainability init` arguments.
#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Initializer: data-dependent, or a random scheme (he-normal,
    /// he-uniform, glorot-normal, glorot-uniform, lecun-normal,
    /// standard-normal, torch-default, rai).
    #[arg(long, default_value = "data-dependent")]
    pub init: String,
    /// Bias initializer: zero, normal:STD, uniform:A or fan-in
    /// (U(-1/sqrt(fan_in), 1/sqrt(fan_in))); default fan-in for
    /// torch-default (as nn.Linear), zero otherwise.
    #[arg(long)]
    pub bias: Option<String>,
    /// Input dimension d.
    #[arg(long)]
    pub input_dim: usize,
    /// Hidden widths N_1,...,N_{L-1}, e.g. 64,64.
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_width)]
    pub widths: Vec<usize>,
    /// Output dimension.
    #[arg(long, default_value_t = 1)]
    pub output_dim: usize,
    /// Training inputs (required by data-dependent; for random schemes only
    /// used for the census printed after writing): ball:R:M, cube:A:M,
    /// gauss:M, grid1d:A:M, csv:PATH, npy:PATH, or a .csv / .txt / .dat / .tsv / .npy path.
    #[arg(long)]
    pub data: Option<String>,
    /// Seed (the network uses stream 0, generated data stream 2^64-1).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output file.
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// Tensor names: layers (layers.0.weight, ...: a module whose
    /// nn.Sequential is the attribute `layers`), sequential (0.weight, ...:
    /// a bare nn.Sequential), or a module path such as net (net.0.weight).
    #[arg(long, default_value = "layers")]
    pub names: String,
    /// Header line of a CSV / text --data file: auto, yes or no.
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderMode,
    /// Stored precision: f32 (PyTorch default) or f64.
    #[arg(long, default_value = "f32")]
    pub dtype: String,
    /// Data-dependent only: skip the rank construction (THM-DD-RANK) and
    /// build every neuron as a cut (still every neuron active). Useful in
    /// f32 when points are closer than f32 resolution.
    #[arg(long)]
    pub no_rank: bool,
    /// Data-dependent only: no carrier neuron (every cut threshold uniform
    /// inside the projection range; ALG-DD-INIT, PROP-DD-VS-HE).
    #[arg(long)]
    pub no_carrier: bool,
}

/// Runs `init`: builds the network, writes it, prints a census summary.
pub fn run(a: &InitArgs) -> Result<i32> {
    let bias = a
        .bias
        .clone()
        .unwrap_or_else(|| crate::init::random::default_bias(&a.init).into());
    let scheme = InitScheme::from_cli(&a.init, &bias)?;
    if (a.no_rank || a.no_carrier) && scheme != InitScheme::DataDependent {
        return Err(Error::input(
            "--no-rank and --no-carrier apply to --init data-dependent only",
        ));
    }
    let storage: Storage = a.dtype.parse()?;
    let naming = Naming::parse(&a.names)?;
    let arch = Architecture::new(a.input_dim, a.widths.clone(), a.output_dim)?;
    let (data, info) = match &a.data {
        Some(s) => {
            let (d, i) =
                load_data_with(s, a.input_dim, &mut sample_rng(a.seed, u64::MAX), a.header)?;
            (Some(d), Some(i))
        }
        None => (None, None),
    };
    let mut rng = sample_rng(a.seed, 0);
    let net = match (&scheme, &data) {
        (InitScheme::DataDependent, None) => {
            return Err(Error::input(
                "--init data-dependent needs the training inputs: add --data SOURCE",
            ))
        }
        (InitScheme::DataDependent, Some(d)) => {
            let opts = DdOptions {
                storage,
                peel: !a.no_rank,
                carrier: !a.no_carrier,
                progress: true,
                ..Default::default()
            };
            let r = initialize_detailed(&arch, d, &mut rng, &opts)?;
            for (l, info) in r.layers.iter().enumerate() {
                if info.peel_fallback {
                    errln!(
                        "note: hidden layer {} could not use the rank construction (rows too close for {}); every neuron is still active",
                        l + 1,
                        storage.name()
                    );
                }
            }
            r.network
        }
        (_, d) => {
            let dummy;
            let d = match d {
                Some(d) => d,
                None => {
                    dummy = Dataset::new(DMatrix::zeros(1, a.input_dim))?;
                    &dummy
                }
            };
            round_network(&initialize(&scheme, &arch, d, &mut rng)?, storage)
        }
    };
    let meta = metadata(a, &scheme, storage, &naming);
    write_safetensors_with(&net, &a.out, storage, &naming, &meta)?;
    outln!(
        "wrote {} ({} {}, widths {:?}, {} parameters, names {}0.weight ...)",
        a.out.display(),
        scheme.name(),
        storage.name(),
        a.widths,
        arch.parameter_count(),
        naming.prefix()
    )?;
    if let Some(i) = &info {
        outln!("data: {}", i.describe())?;
    }
    if let Some(d) = &data {
        let c = census(&net, d)?;
        outln!("census on the {} training points (stored values):", d.len())?;
        for (l, lc) in c.layers.iter().enumerate() {
            outln!(
                "  layer {}: active {}, tentatively dead {}, permanently dead {}",
                l + 1,
                lc.active(),
                lc.tentatively_dead(),
                lc.permanently_dead()
            )?;
        }
    }
    Ok(0)
}

/// The architecture recorded in the file's `__metadata__` (spec
/// FMT-SAFETENSORS): every value a string, as safetensors requires.
fn metadata(
    a: &InitArgs,
    scheme: &InitScheme,
    storage: Storage,
    naming: &Naming,
) -> BTreeMap<String, String> {
    let widths: Vec<String> = a.widths.iter().map(|w| w.to_string()).collect();
    let mut m: BTreeMap<String, String> = [
        (
            "producer",
            format!("relu-trainability {}", env!("CARGO_PKG_VERSION")),
        ),
        ("input_dim", a.input_dim.to_string()),
        ("widths", widths.join(",")),
        ("output_dim", a.output_dim.to_string()),
        ("dtype", storage.name().to_string()),
        ("init", scheme.name().to_string()),
        ("seed", a.seed.to_string()),
        ("names", naming.label()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if *scheme != InitScheme::DataDependent {
        // the law actually drawn (RAI sets its own biases)
        let bias = match scheme {
            InitScheme::Random { bias, .. } => bias.name(),
            _ => a.bias.as_deref().unwrap_or("zero").trim().to_string(),
        };
        m.insert("bias".into(), bias);
    }
    if let Some(d) = &a.data {
        m.insert("data".into(), d.trim().to_string());
    }
    if a.no_rank {
        m.insert("no_rank".into(), "true".into());
    }
    if a.no_carrier {
        m.insert("no_carrier".into(), "true".into());
    }
    m
}
