//! `trainability census`: active / tentatively dead / permanently dead
//! neurons of a saved model on data (spec DEF-DEAD, DEF-PD, DEF-TD,
//! FMT-SAFETENSORS, FMT-STATE-DICT, FMT-CENSUS-JSON).

use super::args::{print_json, Format};
use super::out::outln;
use crate::census::{census, Census, NeuronState};
use crate::error::Result;
use crate::io::data::{load_data_with, HeaderMode};
use crate::io::model::{read_safetensors_with, ReadModel, Select};
use crate::montecarlo::sample_rng;
use serde_json::{json, Value};

/// `trainability census` arguments.
#[derive(clap::Args, Debug)]
pub struct CensusArgs {
    /// Model file: a safetensors state_dict whose Linear layers form a
    /// chain (fc1/fc2/..., net.0/net.2/..., 0/2/..., layers.{i}, ...).
    #[arg(long)]
    pub model: std::path::PathBuf,
    /// Read only the tensors whose names start with this (e.g. net.).
    #[arg(long)]
    pub prefix: Option<String>,
    /// The Linear modules in order, e.g. fc1,fc2,fc3 (after --prefix), when
    /// the names and shapes do not fix the chain.
    #[arg(long, value_delimiter = ',')]
    pub layers: Option<Vec<String>>,
    /// Inputs: a .csv / .txt / .dat / .tsv / .npy path (or csv:PATH, npy:PATH, or a generator
    /// such as ball:R:M, seeded by --seed).
    #[arg(long)]
    pub data: String,
    /// Header line of a CSV / text data file: auto (a first line with no
    /// number is a header, one of numbers is data), yes, or no.
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderMode,
    /// Also list the neuron indices (0-based) of each state.
    #[arg(long)]
    pub indices: bool,
    /// Seed of generated data (stream 2^64-1, as in simulate and init).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `census`.
pub fn run(a: &CensusArgs) -> Result<i32> {
    let select = Select {
        prefix: a.prefix.clone(),
        layers: a.layers.clone(),
    };
    let model = read_safetensors_with(&a.model, &select)?;
    let net = &model.network;
    let (data, info) = load_data_with(
        &a.data,
        net.input_dim(),
        &mut sample_rng(a.seed, u64::MAX),
        a.header,
    )?;
    let c = census(net, &data)?;
    match a.format {
        Format::Json => {
            let mut v = census_json(&c, a.indices);
            v["model"] = model_json(&model);
            v["data"] = info.json();
            print_json(&v)?
        }
        Format::Table => {
            print_model(&model)?;
            outln!("data: {}", info.describe())?;
            print_table(&c, a.indices, data.len())?
        }
    }
    Ok(0)
}

/// The tensors that formed the network (FMT-STATE-DICT): per Linear layer
/// its weight and bias names (`null` for bias=False, read as 0) and shape,
/// the tensors left out by --prefix / --layers, the dtype.
pub fn model_json(m: &ReadModel) -> Value {
    let layers: Vec<Value> = m
        .chain
        .layers
        .iter()
        .map(|k| json!({"weight": k.weight, "bias": k.bias, "shape": [k.out_features, k.in_features]}))
        .collect();
    json!({
        "layers": layers,
        "ignored": m.chain.ignored,
        "dtype": m.dtype,
        "assumes": ASSUMES,
    })
}

/// What a census of a state_dict assumes and cannot check (FMT-STATE-DICT).
pub const ASSUMES: &str = "a chain Linear, ReLU, Linear, ..., ReLU, Linear: a state_dict records \
     neither the activations nor how forward combines the layers, so a model with residual \
     connections, GELU, LeakyReLU or two Linear layers in a row gets a wrong census here; census \
     the torch module itself with the Python package (it reads forward and refuses such models)";

fn print_model(m: &ReadModel) -> Result<()> {
    let names: Vec<String> = m
        .chain
        .layers
        .iter()
        .map(|k| {
            let base = k.weight.strip_suffix(".weight").unwrap_or(&k.weight);
            let nb = if k.bias.is_none() { ", no bias" } else { "" };
            format!("{base} [{}, {}]{nb}", k.out_features, k.in_features)
        })
        .collect();
    outln!("model: {} ({})", names.join(" -> "), m.dtype)?;
    outln!("  assumes {ASSUMES}")?;
    if m.chain.layers.iter().any(|k| k.bias.is_none()) {
        outln!("  (a Linear without bias is read as bias 0)")?;
    }
    if !m.chain.ignored.is_empty() {
        outln!(
            "  not read (outside --prefix/--layers): {}",
            m.chain.ignored.join(", ")
        )?;
    }
    Ok(())
}

fn indices(c: &Census, l: usize, s: NeuronState) -> Vec<usize> {
    c.layers[l].indices(s)
}

/// The JSON document (FMT-CENSUS-JSON): `layers[]` with `width`, `active`,
/// `tentatively_dead`, `permanently_dead` (and index lists on request), and
/// `born_dead`.
pub fn census_json(c: &Census, with_indices: bool) -> Value {
    let layers: Vec<Value> = c
        .layers
        .iter()
        .enumerate()
        .map(|(l, lc)| {
            let mut v = json!({
                "width": lc.states.len(),
                "active": lc.active(),
                "tentatively_dead": lc.tentatively_dead(),
                "permanently_dead": lc.permanently_dead(),
            });
            if with_indices {
                v["active_indices"] = json!(indices(c, l, NeuronState::Active));
                v["tentatively_dead_indices"] = json!(indices(c, l, NeuronState::TentativelyDead));
                v["permanently_dead_indices"] = json!(indices(c, l, NeuronState::PermanentlyDead));
            }
            v
        })
        .collect();
    json!({ "layers": layers, "born_dead": c.born_dead() })
}

fn print_table(c: &Census, with_indices: bool, m: usize) -> Result<()> {
    outln!("census on {m} points")?;
    outln!(
        "{:>5} {:>6} {:>7} {:>10} {:>10}",
        "layer",
        "width",
        "active",
        "tent.dead",
        "perm.dead"
    )?;
    for (l, lc) in c.layers.iter().enumerate() {
        outln!(
            "{:>5} {:>6} {:>7} {:>10} {:>10}",
            l + 1,
            lc.states.len(),
            lc.active(),
            lc.tentatively_dead(),
            lc.permanently_dead()
        )?;
        if with_indices {
            for (name, s) in [
                ("tentatively dead", NeuronState::TentativelyDead),
                ("permanently dead", NeuronState::PermanentlyDead),
            ] {
                let ix = indices(c, l, s);
                if !ix.is_empty() {
                    outln!("      {name}: {ix:?}")?;
                }
            }
        }
    }
    outln!("born dead: {}", if c.born_dead() { "yes" } else { "no" })?;
    Ok(())
}
